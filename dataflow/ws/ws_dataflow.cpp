#include "dataflow/ws/ws_dataflow.h"

#include "dataflow/ws/cycle_engine.h"
#include "dataflow/ws/lt_core.h"
#include "dataflow/ws/scalesim_schedule.h"
#include "dataflow/ws/tiling.h"

namespace satlm {

tiling_plan ws_dataflow::plan(const accel_config& cfg) const { return plan_tiling(cfg); }

run_result ws_dataflow::run(const accel_config& cfg, const layer_data& layer) const {
    if (cfg.arch.schedule == schedule_kind::scalesim) {
        // SCALE-Sim times the layer; the data still goes through the array's functional passes
        // (the LT compute of the reference flow), so the outputs are the model's own.
        accel_config data_cfg = cfg;
        data_cfg.arch.schedule = schedule_kind::reference;
        run_result r = run_lt_engine(data_cfg, layer, plan(data_cfg));
        r.stats = scalesim_stats(cfg);
        return r;
    }
    const tiling_plan p = plan(cfg);
    if (cfg.arch.model == fidelity::lt) return run_lt_engine(cfg, layer, p);
    return run_cycle_engine(cfg, layer, p);
}

run_stats ws_dataflow::time(const accel_config& cfg) const {
    if (cfg.arch.schedule == schedule_kind::scalesim) return scalesim_stats(cfg);
    return time_lt_engine(cfg, plan(cfg));
}

}  // namespace satlm
