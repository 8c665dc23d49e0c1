#pragma once
/// Whole networks on the engine: every layer of a topology, seeded random tensors (or none with
/// `no_data`), tiled onto the configured array and timed by `schedule.kind`; each layer checked
/// against the golden model on request. Layers are independent, as in SCALE-Sim, so they run
/// on several threads at once; results come back in network order whatever the thread count.
///
/// \code
///   satlm::net_options o;                 // o.arch: architecture keys and layer.* bit widths
///   o.check = true;
///   satlm::net_result r = satlm::run_network(satlm::load_network("vgg16-cifar10"), o);
/// \endcode

#include "dataflow/run_result.h"
#include "net/topology.h"
#include "tlm/config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace satlm {

struct net_options {
    accel_config arch;                ///< architecture keys, layer.act_bits/weight_bits/psum_bits
    bool check = false;               ///< compare every layer with the golden model
    bool no_data = false;             ///< timing and counts only, no tensors
    std::uint64_t seed = 1;           ///< tensors of layer i come from (seed, i)
    std::vector<std::string> layers;  ///< run only these layer names (empty: all)
    unsigned jobs = 1;                ///< layers run at once (threads)
};

struct net_layer_result {
    net_layer layer;
    accel_config config;                     ///< the layer's configuration as run
    run_stats stats;
    tiling_plan plan;
    std::optional<std::uint64_t> mismatches; ///< output values that differ (with check)
    std::uint64_t outputs = 0;               ///< output values of the layer
    double wall_seconds = 0;                 ///< this layer's run (and check)
};

struct net_result {
    network net;
    std::vector<net_layer_result> layers;  ///< network order
    double wall_seconds = 0;

    run_stats total() const;                       ///< counters summed over the layers
    std::optional<std::uint64_t> mismatches() const;  ///< summed; empty without check
};

/// The network-layer record of a layer given by its keys (a vector set, a Python call): padding
/// unknown, so the unpadded sizes equal the padded ones.
net_layer layer_record(const std::string& name, const layer_keys& L);

/// The layer keys of one network layer under `arch` (channels, padded map, filter, stride and
/// the bit widths of arch.layer). Throws config_error naming the layer when it cannot run.
accel_config layer_config(const accel_config& arch, const net_layer& layer);

/// Runs the network. Throws config_error (before any layer runs) when a layer is impossible on
/// the configured architecture or an unknown layer is named in `layers`.
net_result run_network(const network& net, const net_options& options);

}  // namespace satlm
