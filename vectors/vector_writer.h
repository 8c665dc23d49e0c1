#pragma once
/// Canonical vector-set writers (docs/vector-format.md "Canonical header
/// lines"): the files `satlm gen` writes and `satlm run --dump-out` uses for its output.
///
/// Every file opens with three `#` header lines and ends each line with `\n`. Partial tiles are
/// padded with zero channels. The writers take computed tensors only; the psums and outputs
/// come from the caller (the golden model), so this library stays independent of it.
///
/// \code
///   satlm::write_vector_set("out/dir", layer, tiles, satlm::golden_output(layer, true),
///                           [&](unsigned i0, unsigned ni, unsigned o0, unsigned no, unsigned k) {
///                               return satlm::golden_psums(layer, i0, ni, o0, no, k);
///                           });
/// \endcode

#include "tlm/config.h"
#include "tlm/layer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace satlm {

/// Psums of one kernel position for a channel tile, [nij * oc_count + (oc - oc0)], wrapped to
/// psum_bits; channels past the layer count as zero (the signature of golden_psums).
using psum_source = std::function<std::vector<std::int64_t>(
    unsigned ic0, unsigned ic_count, unsigned oc0, unsigned oc_count, unsigned kij)>;

/// Default file names of a generated set (the defaults of the [files] keys, plus psum and acc).
struct canonical_names {
    static constexpr const char* activation = "activation_tile{i}.txt";
    static constexpr const char* weight = "weight_itile{i}_otile{o}_kij{k}.txt";
    static constexpr const char* output = "out.txt";
    static constexpr const char* psum = "psum_itile{i}_otile{o}_kij{k}.txt";
    static constexpr const char* acc = "acc_address.txt";
    static constexpr const char* manifest = "vectorset.toml";
};

/// Width of an acc address: max(11, bits for k^2 x N - 1).
unsigned acc_address_width(const layer_keys& shape);

/// Canonical out file: 3 `#` lines, then one line per output pixel with all out_channels,
/// highest channel first, psum_bits per field (two's complement). Throws input_error naming the
/// path when it cannot be written.
void write_output_file(const std::string& path, const layer_output& output, unsigned psum_bits);
/// The text write_output_file writes.
std::string output_file_text(const layer_output& output, unsigned psum_bits);

/// Activation file of input tile `itile`: one line per padded position, `tile_in` fields of
/// act_bits, highest channel first.
void write_activation_file(const std::string& path, const layer_data& layer, unsigned itile,
                           unsigned tile_in);

/// Weight file of (itile, otile, kij): per column of the output tile one line of tile_in
/// weights, highest input channel first; in 2-bit mode an even-channel line then an odd one.
void write_weight_file(const std::string& path, const layer_data& layer, unsigned itile,
                       unsigned otile, unsigned kij, unsigned tile_in, unsigned tile_out);

/// Psum file: `positions` lines of `tile_out` psum_bits fields, highest channel first, from
/// psums laid out [nij * tile_out + c].
void write_psum_file(const std::string& path, const std::vector<std::int64_t>& psums,
                     unsigned positions, unsigned tile_out, unsigned psum_bits);

/// Acc-address file: one binary address per line, output-pixel-major then kij:
/// kij x N + (orow + ki) x padded_width + (ocol + kj).
void write_acc_file(const std::string& path, const layer_keys& shape);

/// vectorset.toml describing a canonical set (dir, [layer], [tiles], [files], [format]);
/// `output_relu` false declares out.txt as pre-ReLU sums.
void write_manifest(const std::string& path, const layer_keys& shape, unsigned tile_in,
                    unsigned tile_out, bool with_psum, bool with_acc, bool output_relu = true);

/// Writes a whole canonical set into `dir` (created when missing): activation, weight, psum
/// (when `psums` is set), acc_address.txt, out.txt and vectorset.toml. `tiles.in_channels` 0
/// means 32 / act_bits. Throws input_error on a bad tiling or an unwritable folder.
void write_vector_set(const std::string& dir, const layer_data& layer, const tile_keys& tiles,
                      const layer_output& output, const psum_source& psums = {});

}  // namespace satlm
