#pragma once
/// Whole networks as lists of layers: SCALE-Sim topology CSVs, SCALE-Sim GEMM files and the
/// built-in VGG16 variants. docs/blocks/topology.md gives the accepted format line by line.

#include <cstdint>
#include <string>
#include <vector>

namespace satlm {

/// One layer of a network. The IFMAP sizes are padded, as in SCALE-Sim's files; `height`
/// and `width` are the unpadded sizes, equal to the padded ones when the padding is unknown.
struct net_layer {
    std::string name;
    unsigned ifmap_h = 1;    ///< padded IFMAP height (SCALE-Sim's "IFMAP Height")
    unsigned ifmap_w = 1;    ///< padded IFMAP width
    unsigned height = 1;     ///< unpadded height: ifmap_h - 2 pad
    unsigned width = 1;      ///< unpadded width: ifmap_w - 2 pad
    unsigned pad = 0;        ///< zero ring around the unpadded map
    bool pad_known = false;  ///< true for built-ins, GEMMs and files with a `pad` column
    unsigned filter_h = 1;
    unsigned filter_w = 1;
    unsigned channels = 1;
    unsigned filters = 1;
    unsigned stride = 1;
    std::size_t line = 0;  ///< line of the source file (1-based); 0 for built-ins

    /// Output size floor((padded - filter) / stride) + 1, the size the layer computes.
    unsigned ofmap_h() const { return (ifmap_h - filter_h) / stride + 1; }
    unsigned ofmap_w() const { return (ifmap_w - filter_w) / stride + 1; }
    /// Multiply-accumulates of the layer: outputs x filter window x channels x filters.
    std::uint64_t macs() const;
};

struct network {
    std::string name;    ///< built-in name, or the file name without folder and extension
    std::string source;  ///< the file path, or "built-in"
    bool gemm = false;   ///< read from a GEMM file (header `Layer,M,N,K`)
    std::vector<net_layer> layers;
};

/// Parses the text of a topology CSV or GEMM file (told apart by the header); `source` names
/// the file in messages. Throws satlm::input_error "SOURCE:LINE: what was expected".
network parse_topology(const std::string& source, const std::string& text);

/// Reads and parses a file (input_error when it cannot be read).
network read_topology(const std::string& path);

/// Names of the built-in networks: vgg16-cifar10, vgg16-cifar10-8ch.
const std::vector<std::string>& builtin_network_names();

/// A built-in network; throws satlm::config_error for an unknown name.
network builtin_network(const std::string& name);

/// A built-in name, or else a file path.
network load_network(const std::string& name_or_path);

}  // namespace satlm
