// Links satlm_tlm alone: the configuration validates and describes itself.
#include "tlm/config.h"

#include <systemc>

int sc_main(int, char*[]) { return satlm::accel_config{}.problems().empty() ? 0 : 1; }
