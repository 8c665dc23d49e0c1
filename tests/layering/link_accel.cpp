// Links satlm_accel alone: the accelerator component elaborates for the default architecture
// (its memories come from the registry) and lays out the default layer off-chip.
#include "accel/accelerator.h"
#include "accel/offchip.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::accel_config cfg;
    satlm::accelerator acc("acc", cfg.arch);
    const satlm::offchip_layout where = satlm::packed_layout(cfg.layer);
    return satlm::layout_end(cfg.layer, where) > where.outputs ? 0 : 1;
}
