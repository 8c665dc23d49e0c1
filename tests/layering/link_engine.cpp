// Links satlm_engine alone: a layer runs without the SystemC kernel.
#include "engine/engine.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::accel_config cfg;
    cfg.arch.model = satlm::fidelity::lt;
    const satlm::run_result r = satlm::run_layer(cfg, satlm::layer_data(cfg.layer));
    return r.stats.cycles.total() > 0 ? 0 : 1;
}
