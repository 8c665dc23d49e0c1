#include "testbench/simulation.h"

#include "testbench/lt_model.h"
#include "tlm/report.h"

#if __has_include("testbench/cycle_model.h")
#include "testbench/cycle_model.h"
#define SATLM_HAVE_CYCLE_MODEL 1
#endif

namespace satlm {

namespace {

[[maybe_unused]] run_result no_cycle_model() {
    throw config_error("key `model.fidelity`: the cycle model is not part of this build; use lt");
}

}  // namespace

run_result simulate(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path) {
    const tiling_plan plan = plan_tiling(cfg);
    if (cfg.arch.model == fidelity::lt) return run_lt_systemc(cfg, layer, plan);
#ifdef SATLM_HAVE_CYCLE_MODEL
    return run_cycle_systemc(cfg, layer, plan, vcd_path);
#else
    (void)vcd_path;
    return no_cycle_model();
#endif
}

run_result simulate_engine(const accel_config& cfg, const layer_data& layer) {
    const tiling_plan plan = plan_tiling(cfg);
    if (cfg.arch.model == fidelity::lt) return run_lt_engine(cfg, layer, plan);
#ifdef SATLM_HAVE_CYCLE_MODEL
    return run_cycle_engine(cfg, layer, plan);
#else
    return no_cycle_model();
#endif
}

}  // namespace satlm
