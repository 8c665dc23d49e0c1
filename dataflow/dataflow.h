#pragma once
/// The dataflow seam: everything that depends on how the array is used (what stays in the PEs,
/// how a layer is tiled, the schedule of a pass and its sequencer) sits behind this interface,
/// chosen by `dataflow.kind`. The engine, networks, sweeps and the Python module see only it.
///
/// Weight-stationary (`ws`, dataflow/ws/) is the measured RTL's; output- and input-stationary
/// dataflows are siblings with their own tiling, schedules and array behaviour.
///
/// \code
///   const satlm::dataflow& df = satlm::dataflow_for(cfg);
///   satlm::run_result r = df.run(cfg, layer);   // kernel-free, reentrant
/// \endcode

#include "dataflow/run_result.h"
#include "tlm/config.h"
#include "tlm/layer.h"

#include <string_view>

namespace satlm {

class dataflow {
public:
    virtual ~dataflow() = default;
    /// The `dataflow.kind` value that selects it.
    virtual std::string_view name() const = 0;
    /// How the layer of `cfg` is split onto the array and memories. Throws config_error
    /// ("impossible geometry: ...") when not even one pass fits.
    virtual tiling_plan plan(const accel_config& cfg) const = 0;
    /// Runs `layer` at cfg.arch.model's fidelity with cfg.arch.schedule, without the SystemC
    /// kernel. Reentrant: no state outside the call, so any number of calls from any threads.
    virtual run_result run(const accel_config& cfg, const layer_data& layer) const = 0;
    /// The statistics run() would report for cfg's layer, without tensors (for layers too
    /// large to compute). Equal to run(...).stats in every counter.
    virtual run_stats time(const accel_config& cfg) const = 0;
};

/// The dataflow `cfg` selects (`dataflow.kind`).
const dataflow& dataflow_for(const accel_config& cfg);

}  // namespace satlm
