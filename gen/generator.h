#pragma once
/// `satlm gen`: builds a layer (seeded random tensors, or tensors from .npy files) and writes a
/// complete canonical vector set computed by the golden model (SYSTEM.md section 2).
///
/// \code
///   satlm::gen_options o;
///   o.out_dir = "vectors/default";      // layer-27 shape: 8 -> 8 channels, 4x4, pad 1, seed 1
///   satlm::run_generator(o);
/// \endcode

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
    bool force = false;          ///< --force: replace the set the folder's vectorset.toml lists
    bool no_psums = false;       ///< --no-psums: no psum files
    std::vector<std::string> sets;  ///< --set limits.KEY=VALUE (the gen budget and memory)
    /// Shape options given explicitly ("in-ch", "out-ch", "height", "width", "kernel",
    /// "kernel-h", "kernel-w"); with --from-npy they must agree with the tensors' shapes.
    std::set<std::string> given;

    unsigned filter_h() const { return kernel_h ? kernel_h : kernel; }
    unsigned filter_w() const { return kernel_w ? kernel_w : kernel; }
};

/// A --seed value: plain decimal digits that fit 64 bits (no sign, no wrap); nullopt otherwise.
std::optional<std::uint64_t> parse_seed(std::string_view text);

/// Registers the `satlm gen` options on a CLI11 (sub)command, writing into `o`.
void add_gen_options(CLI::App& sub, gen_options& o);

/// Builds the layer the options describe (padded map, integer tensors), validating the
/// options first. Throws input_error with one line naming the option or file and what was
/// expected.
layer_data make_generated_layer(const gen_options& o);

/// Checks the budget (limits.gen_files, limits.gen_mb, limits.memory_mb) before anything is
/// generated, then make_generated_layer, then writes the set (golden outputs and psums) into
/// o.out_dir through a staging folder (vectors/set_folder.h) and prints what it wrote.
void run_generator(const gen_options& o);

/// round_half_even(clip(x, 0, alpha) / alpha x (2^bits - 1)).
std::int64_t quantize_activation(double x, double alpha, unsigned bits);
/// round_half_even(clip(w, -alpha, alpha) / alpha x (2^(bits-1) - 1)).
std::int64_t quantize_weight(double w, double alpha, unsigned bits);

}  // namespace satlm
