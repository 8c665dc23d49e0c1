#pragma once
/// The structural top of `satlm run` (model.top = "structural", cycle fidelity): the accelerator
/// component (accel/accelerator.h) with a memory loaded from the vector files bound to its
/// off-chip socket (docs/blocks/accelerator.md).

#include "dataflow/run_result.h"
#include "testbench/vcd_window.h"
#include "tlm/layer.h"

#include <string>

namespace satlm {

/// Elaborates the accelerator and an off-chip memory holding `layer` in the packed off-chip
/// layout, runs the layer from one SC_THREAD and returns the outputs the accelerator wrote
/// off-chip, with its statistics. Once per process. `vcd_path`: when non-empty, every block's
/// ports (hierarchical names) and the flow markers are traced there; `window` is applied by the
/// caller's VCD filter.
run_result run_structural_systemc(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path,
                                  const vcd_window& window = {});

}  // namespace satlm
