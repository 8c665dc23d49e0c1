// Links satlm_dataflow alone: the weight-stationary dataflow plans the default layer.
#include "dataflow/dataflow.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::accel_config cfg;
    return satlm::dataflow_for(cfg).plan(cfg).out_tiles == 1 ? 0 : 1;
}
