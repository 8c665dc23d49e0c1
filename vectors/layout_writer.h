#pragma once
/// Writes a vector set in any layout the reader (`load_vector_set`) reads: the [files] patterns
/// at any folder depth (one file per tile or, for the output, all tiles in one file; kernel
/// positions one file each or all in one), the header lines of each file kind (text, count or
/// none), the lane orders, the 2-bit weight line order, pre-ReLU or ReLU outputs, 1 or k^2 acc
/// addresses per line from pmem.psum_base. The values come from the caller (the golden model,
/// or a decoded set), so this library stays independent of the model.
///
/// \code
///   satlm::accel_config layout;                 // canonical names, short header lines
///   satlm::load_manifest_file(layout, "tb.toml");
///   layout.layer = layer.shape;
///   satlm::set_values v{satlm::golden_output(layer, layout.format.output_relu), psums, {}};
///   satlm::write_layout_set("out/set", layout, layer, v);   // files + vectorset.toml
/// \endcode

#include "tlm/config.h"
#include "tlm/layer.h"
#include "vectors/vector_writer.h"

#include <cstdint>
#include <string>
#include <vector>

namespace satlm {

/// Longest default header line: `$fgets` into a 30-character buffer keeps 29 characters and
/// the line end.
constexpr std::size_t max_short_header_chars = 29;

/// Everything a set holds besides the activations and weights.
struct set_values {
    layer_output output;              ///< as the output files hold them (relu = format.output_relu)
    psum_source psums;                ///< psums of one file tile and kij; empty: no psum files
    std::vector<std::uint32_t> acc;   ///< acc addresses in file order; empty: the address rule
};

/// Where one file sits in the set: its kind and the tile / kernel position it holds
/// (k = -1: all kernel positions; o = -1: all output tiles).
struct file_slot {
    file_kind kind = file_kind::activation;
    unsigned i = 0;
    int o = 0;
    int k = 0;
};

/// The header lines of one file as the layout writes them: format.header.<kind> when given,
/// else format.header_lines lines (3 when "auto") of format.header_style's text.
std::vector<std::string> header_lines_for(const accel_config& layout, const file_slot& slot);

/// The three short default header lines of a file: each starts with `#`, holds no space or tab,
/// and has at most max_short_header_chars characters (docs/vector-format.md).
std::vector<std::string> short_header(const accel_config& layout, const file_slot& slot);

/// The instructor notebook's three header lines (docs/vector-format.md "Canonical header lines").
std::vector<std::string> canonical_header(const accel_config& layout, const file_slot& slot);

/// Checks that `layout` (with layout.layer the layer's shape) can be written: valid patterns that
/// stay inside the folder, a {i}/{o} for every tiled dimension the reader needs, no two kinds
/// naming the same file, acc_per_line 1 or k^2. Throws config_error naming the key.
void check_layout(const accel_config& layout);

/// Writes every file of the layout into `dir` (folders created as needed) and `vectorset.toml`
/// describing them; returns the data files' names relative to `dir`, in writing order.
/// layout.layer must equal layer.shape. Throws config_error (bad layout) or input_error (a file
/// that cannot be written).
std::vector<std::string> write_layout_set(const std::string& dir, const accel_config& layout,
                                          const layer_data& layer, const set_values& values);

/// The vectorset.toml text that makes `satlm run` read a set written with `layout`: dir ".",
/// [layer], [tiles], [files], [format] and [format.header] for the kinds with their own text.
std::string layout_manifest_text(const accel_config& layout);

}  // namespace satlm
