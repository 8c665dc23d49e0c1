#pragma once
/// The cycle model (model.fidelity = "cycle"): the accel_core stepped by the sequencer, either
/// directly (no kernel, callable many times) or inside a SystemC top with the block shells.

#include "testbench/simulation.h"

#include <string>

namespace satlm {

/// Runs the layer on the cycle engine without the SystemC kernel.
run_result run_cycle_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

/// Elaborates the SystemC top (xmem/pmem sram_bank, l0, array, ofifo, sfu shells), loads the
/// vectors into xmem through TLM writes, runs the sequencer in one SC_THREAD (one wait per
/// step, per cycle when tracing) and returns outputs + stats. Once per process.
/// `vcd_path`: when non-empty, writes the key signals there (docs/timing.md).
run_result run_cycle_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan,
                             const std::string& vcd_path);

}  // namespace satlm
