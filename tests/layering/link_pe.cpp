// Links satlm_pe alone: the hardware composition builds from a configuration.
#include "pe/accel_core.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::accel_config cfg;
    satlm::accel_core core(cfg);
    return core.cycle() == 0 ? 0 : 1;
}
