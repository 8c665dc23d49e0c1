#pragma once
/// `satlm gen`: builds a layer (seeded random tensors, tensors from .npy files, or the tensors
/// of an existing set) and writes a complete vector set computed by the golden model (docs/cli.md
/// section 7), in the canonical layout or in any layout the reader reads (--layout, --like,
/// --set; docs/generator.md).
///
/// \code
///   satlm::gen_options o;
///   o.out_dir = "vectors/default";      // layer-27 shape: 8 -> 8 channels, 4x4, pad 1, seed 1
///   satlm::run_generator(o);
/// \endcode

#include "tlm/config.h"
#include "tlm/layer.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace satlm {

/// The options of `satlm gen` (defaults: layer 27 of the 4-bit VGG16).
struct gen_options {
    std::string out_dir;         ///< --out DIR (required)
    unsigned in_channels = 8;    ///< --in-ch
    unsigned out_channels = 8;   ///< --out-ch
    unsigned height = 4;         ///< --height: unpadded input rows
    unsigned width = 4;          ///< --width: unpadded input columns
    unsigned kernel = 3;         ///< --kernel: k of a k x k filter
    unsigned kernel_h = 0;       ///< --kernel-h: filter rows; 0 = --kernel
    unsigned kernel_w = 0;       ///< --kernel-w: filter columns; 0 = --kernel
    unsigned stride = 1;         ///< --stride, both dimensions
    unsigned pad = 1;            ///< --pad: zero ring around the map
    unsigned act_bits = 4;       ///< --act-bits: 4, or 2
    unsigned weight_bits = 4;    ///< --weight-bits: 2..4
    unsigned tile_in = 0;        ///< --tile-in: channels per activation line; 0 = 32 / act_bits
    unsigned tile_out = 8;       ///< --tile-out: output channels per weight/psum file
    std::uint64_t seed = 1;      ///< --seed of the random tensors
    std::string act_npy;         ///< --from-npy ACT.npy: [C, H, W]
    std::string weight_npy;      ///< --from-npy ... WEIGHT.npy: [K, C, kh, kw]
    double act_alpha = 0;        ///< --act-alpha for float activations (0: not given)
    double weight_alpha = 0;     ///< --weight-alpha for float weights (0: not given)
    std::string layout_file;     ///< --layout MANIFEST.toml: the layout to write
    std::string like;            ///< --like SET: the layout of an existing set (inferred)
    std::string from_set;        ///< --from-set SET: that set's tensors and expected values
    bool force = false;          ///< --force: replace the set the folder's vectorset.toml lists
    bool no_psums = false;       ///< --no-psums: no psum files (as --set files.psum=)
    /// --set KEY=VALUE: limits.* (the gen budget and memory), layout keys and pmem.psum_base.
    std::vector<std::string> sets;
    /// Options given explicitly ("in-ch", "out-ch", "height", "width", "kernel", "kernel-h",
    /// "kernel-w", "pad", "act-bits", "weight-bits", "tile-in", "tile-out", "seed"); with
    /// --from-npy the shape options must agree with the tensors' shapes, and they win over the
    /// layout's [layer] keys.
    std::set<std::string> given;

    unsigned filter_h() const { return kernel_h ? kernel_h : kernel; }
    unsigned filter_w() const { return kernel_w ? kernel_w : kernel; }
};

/// What a generator run wrote.
struct gen_summary {
    std::vector<std::string> files;  ///< data files, relative to the output folder
    std::vector<std::string> notes;  ///< one line each, e.g. values of --from-set kept as read
};

/// A --seed value: plain decimal digits that fit 64 bits (no sign, no wrap); nullopt otherwise.
std::optional<std::uint64_t> parse_seed(std::string_view text);

/// Registers the `satlm gen` options on a CLI11 (sub)command, writing into `o`.
void add_gen_options(CLI::App& sub, gen_options& o);

/// Builds the layer the options describe (padded map, integer tensors), validating the
/// options first. Throws input_error with one line naming the option or file and what was
/// expected.
layer_data make_generated_layer(const gen_options& o);

/// The layout `satlm gen` writes (shape keys still open): the canonical one with psum and acc
/// files, or the one --like infers (as `satlm run` does) or --layout describes; then --set.
/// Throws config_error naming the key or file.
accel_config resolve_layout(const gen_options& o);

/// Fills the options `o.given` does not name from the layout's [layer] and [tiles] keys (as
/// --layout and --like do): channels, unpadded map (its padded size minus the --pad ring),
/// filter, stride, bit widths, tiles. Throws config_error when the ring leaves no input.
void apply_layout_shape(gen_options& o, const accel_config& layout);

/// run_generator for tensors the caller built (the Python module's satlm.gen): `layer` holds
/// them; `o` gives the folder, --force, --no-psums, the layout (--layout, --like, --set) and the
/// tiles and bit widths (as apply_layout_shape leaves them). Checks the budget, writes the golden
/// values in the layout; prints nothing. Throws as run_generator.
gen_summary write_generated_set(const gen_options& o, layer_data layer);

/// make_generated_layer (or the tensors of --from-set), then writes the set in the resolved
/// layout into o.out_dir: golden outputs and psums, acc addresses from pmem.psum_base, and
/// vectorset.toml.
gen_summary run_generator(const gen_options& o);

/// Round trip: decodes the set at `from_set` (folder or manifest, as `satlm run` reads it) and
/// writes its tensors in `layout` into `out_dir`. Expected values the layout can hold as the set
/// holds them (same relu-ness; psums in the same file tiling; acc addresses from the same base)
/// are written as read, so a set comes back line for line; the others come from the golden
/// model. layout.layer and layout.tiles are taken from the set unless `layout` gives them.
/// The folder is written as run_generator writes it (a non-empty folder needs `force`).
gen_summary regenerate_set(const std::string& from_set, accel_config layout, const std::string& out_dir,
                           bool force = false);

/// round_half_even(clip(x, 0, alpha) / alpha x (2^bits - 1)).
std::int64_t quantize_activation(double x, double alpha, unsigned bits);
/// round_half_even(clip(w, -alpha, alpha) / alpha x (2^(bits-1) - 1)).
std::int64_t quantize_weight(double w, double alpha, unsigned bits);

}  // namespace satlm
