#pragma once
/// The engine: one layer in, outputs and statistics out, for either fidelity, without the
/// SystemC kernel. Reentrant and thread-safe: networks, sweeps, the benchmark and the Python
/// module call it many times per process, from several threads at once. `satlm run` keeps the
/// SystemC tops (testbench/simulation.h) as its sign-off path; both give identical results.
///
/// \code
///   satlm::accel_config cfg;               // keys as in docs/blocks/config.md
///   cfg.layer = data.shape;
///   satlm::run_result r = satlm::run_layer(cfg, data);
/// \endcode

#include "dataflow/run_result.h"
#include "tlm/config.h"
#include "tlm/layer.h"

namespace satlm {

/// Validates `cfg` (config_error listing every problem), then runs `layer` on the dataflow
/// `cfg` selects. `cfg.layer` is taken from `layer.shape`.
run_result run_layer(const accel_config& cfg, const layer_data& layer);

/// The statistics run_layer would report for the layer `cfg.layer`, without tensors: the same
/// cycles and counts in either fidelity (`satlm net --no-data`). Validates like run_layer.
run_stats time_layer(const accel_config& cfg);

}  // namespace satlm
