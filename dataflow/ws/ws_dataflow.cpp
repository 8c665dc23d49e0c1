#include "dataflow/ws/ws_dataflow.h"

#include "dataflow/ws/cycle_engine.h"
#include "dataflow/ws/lt_core.h"
#include "dataflow/ws/tiling.h"

namespace satlm {

tiling_plan ws_dataflow::plan(const accel_config& cfg) const { return plan_tiling(cfg); }

run_result ws_dataflow::run(const accel_config& cfg, const layer_data& layer) const {
    const tiling_plan p = plan(cfg);
    if (cfg.arch.model == fidelity::lt) return run_lt_engine(cfg, layer, p);
    return run_cycle_engine(cfg, layer, p);
}

run_stats ws_dataflow::time(const accel_config& cfg) const { return time_lt_engine(cfg, plan(cfg)); }

}  // namespace satlm
