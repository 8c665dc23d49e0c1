#pragma once
/// The sign-off path of `satlm run`: the layer on a SystemC top (the cycle top or the LT TLM
/// model, by model.fidelity). Kernel-free runs (networks, sweeps, tests) use engine/engine.h.

#include "dataflow/run_result.h"
#include "testbench/vcd_window.h"

#include <string>

namespace satlm {

/// Runs the layer in SystemC on the configured model (cfg.arch.model) and schedule: elaborates
/// the top, calls sc_start, returns. SystemC elaborates once per process, so call it at most once
/// per process. `vcd_path`: when non-empty, the cycle model writes a waveform there, sampling the
/// cycles of `vcd_window`. Throws config_error on an impossible geometry (before elaboration).
run_result simulate(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path = "",
                    const vcd_window& window = {});

}  // namespace satlm
