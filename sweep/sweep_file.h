#pragma once
/// The sweep file of `satlm sweep` (docs/sweep.md) and its expansion into points:
/// networks x [grid] x [zip], then networks x [[points]], in file order. Every key and value is
/// checked before anything runs; a problem names the sweep file, the table and the key.
///
/// \code
///   satlm::sweep_spec s = satlm::read_sweep_file("examples/array-vs-bandwidth.toml");
///   for (const satlm::sweep_point& p : s.points) ...   // p.id is stable across runs
/// \endcode

#include "tlm/config.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace satlm {

using key_value = std::pair<std::string, std::string>;  ///< dotted key, value in text form

/// One entry of `networks`: a built-in name, a topology CSV, or a vector set (folder or
/// manifest) that runs as a one-layer network with its own data, checked against its outputs.
struct sweep_network {
    enum class kind { builtin, topology, vector_set };
    std::string name;   ///< as written in the sweep file (the `network` column)
    std::string path;   ///< resolved path (empty for built-ins)
    kind type = kind::builtin;
};

/// One point: a network and the keys it sets.
struct sweep_point {
    std::size_t index = 0;           ///< position in the sweep (shards take index mod N)
    std::string id;                  ///< stable hash of network and sorted KEY=VALUE pairs
    std::size_t network = 0;         ///< index into sweep_spec::networks
    std::vector<key_value> assigned; ///< keys the grid/zip/points give this point, file order
    std::vector<std::string> varied_values;  ///< value of each varied key (given or base)
};

struct sweep_spec {
    std::string file;                   ///< the sweep file as given
    std::string text;                   ///< its contents
    std::vector<sweep_network> networks;
    std::string config_file;            ///< resolved base architecture file, or empty
    std::uint64_t seed = 1;
    bool check = false;
    std::string out;                    ///< default output folder, resolved against the file
    std::vector<key_value> set;         ///< [set], file order
    std::vector<std::string> varied_keys;  ///< grid, zip, then points keys, first appearance
    std::vector<sweep_point> points;    ///< expanded, duplicates (same id) dropped
    std::string fingerprint;            ///< hash of every point id in order and the base settings

    /// The base configuration of every point: defaults, the config file, then [set].
    accel_config base_config() const;
};

/// The stable id of a point: 16 hex digits of a 64-bit FNV-1a hash over the network name and
/// the sorted KEY=VALUE pairs.
std::string point_id(const std::string& network, std::vector<key_value> pairs);

/// Parses the sweep text; `file` names it in messages and anchors relative paths. Throws
/// config_error, one line per problem, "FILE: [table] key `k`: what was expected".
sweep_spec parse_sweep(const std::string& file, const std::string& text);

/// Reads and parses a sweep file.
sweep_spec read_sweep_file(const std::string& path);

}  // namespace satlm
