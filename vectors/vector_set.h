#pragma once
/// Loads a vector set (docs/vector-format.md): resolves the manifest, infers
/// every key the manifest and --set leave open from the files, and decodes the files into
/// whole-layer tensors that do not depend on the files' tiling or the model's array.

#include "tlm/config.h"
#include "tlm/layer.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace satlm {

/// The expected results a set holds; absent parts are not checked.
struct expected_data {
    /// Values as stored (pre-ReLU when !format.output_relu), [onij][oc] over all out_channels,
    /// sign-extended from psum_bits.
    std::optional<layer_output> output;
    /// Where each expected output value sits, for mismatch lines: the files (one per output
    /// tile when files.output has {o}, else one), the line of each output pixel in each file, and
    /// the output channels per file.
    std::vector<std::string> output_files;
    std::vector<std::vector<std::uint32_t>> output_lines;  ///< [file][onij]
    unsigned output_file_channels = 0;
    /// x/z digits of an RTL dump: value index (onij x out_channels + oc) -> mask of unknown bits.
    std::map<std::size_t, std::uint64_t> output_unknown;
    /// One kernel position's psums of one file tile pair (the FILES' tiles, not the model's).
    struct psum_block {
        unsigned itile = 0;  ///< input tile of the file
        unsigned otile = 0;  ///< output tile of the file
        unsigned kij = 0;    ///< kernel position
        std::vector<std::int64_t>
            values;                      ///< [nij * tiles.out_channels + oc in tile], sign-extended
        std::string file;                ///< file the block came from
        std::vector<std::size_t> lines;  ///< file line number of each nij
    };
    std::vector<psum_block> psums;  ///< when files.psum is named
    std::optional<std::vector<std::uint32_t>>
        acc;                  ///< when files.acc is named: addresses in file order
    std::string output_desc;  ///< output file name(s) for messages
    std::string acc_desc;     ///< acc file name for messages
};

/// Everything a run needs from a vector set.
struct vector_set {
    accel_config config;   ///< final configuration, with the source of every key recorded
    std::string data_dir;  ///< folder the data files were read from
    layer_data layer;      ///< activations and weights of the whole layer
    expected_data expected;
    std::string manifest;             ///< the manifest file read, if any
    std::vector<std::string> files;   ///< every file read (manifest and vector files)
};

/// Loads a vector set. `path`: a vector-set folder (with its vectorset.toml if present) or a
/// manifest *.toml (its `dir` is relative to the manifest file). `cfg` holds the built-in
/// defaults and the --config file; `overrides` are the --set pairs (applied above the manifest).
/// Precedence: defaults < inferred from files < --config < manifest < --set. With check=false
/// no output, psum or acc file is opened. Throws config_error (bad or contradicting key) or
/// vector_format_error (bad file), each one line naming the key or file:line.
vector_set load_vector_set(const std::string& path, accel_config cfg,
                           const std::vector<std::pair<std::string, std::string>>& overrides,
                           bool check);

/// Width of one acc address: max(11, bits needed for the last address psum_base + k^2 * N - 1).
unsigned acc_address_bits(const layer_keys& layer, unsigned psum_base = 0);

}  // namespace satlm
