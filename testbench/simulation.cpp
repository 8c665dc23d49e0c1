#include "testbench/simulation.h"

#include "testbench/cycle_top.h"
#include "testbench/lt_model.h"
#include "testbench/structural_top.h"
#include "dataflow/ws/tiling.h"
#include "engine/engine.h"

namespace satlm {

run_result simulate(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path,
                    const vcd_window& window) {
    // SCALE-Sim's timing is a closed form with no clocked top: the engine runs it.
    if (cfg.arch.schedule == schedule_kind::scalesim) return run_layer(cfg, layer);
    if (cfg.arch.model == fidelity::cycle && cfg.arch.top == top_kind::structural)
        return run_structural_systemc(cfg, layer, vcd_path, window);
    const tiling_plan plan = plan_tiling(cfg);
    if (cfg.arch.model == fidelity::lt) return run_lt_systemc(cfg, layer, plan);
    return run_cycle_systemc(cfg, layer, plan, vcd_path, window);
}

}  // namespace satlm
