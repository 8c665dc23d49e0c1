#pragma once
/// The cycle model's SystemC top (model.fidelity = "cycle", `satlm run`): the block shells around
/// the accel_core that dataflow/ws/cycle_engine steps without a kernel.

#include "dataflow/run_result.h"
#include "dataflow/tiling_plan.h"
#include "testbench/vcd_window.h"

#include <string>

namespace satlm {

/// Elaborates the SystemC top (xmem/pmem sram_bank, l0, array, ofifo, sfu shells), loads the
/// vectors into xmem through TLM writes, runs the sequencer in one SC_THREAD (one wait per
/// step, per cycle when tracing) and returns outputs + stats. Once per process.
/// `vcd_path`: when non-empty, writes the key signals and the flow markers there
/// (docs/timing.md); only the cycles of `window` are sampled (the rest advance time in one wait).
run_result run_cycle_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan,
                             const std::string& vcd_path, const vcd_window& window = {});

}  // namespace satlm
