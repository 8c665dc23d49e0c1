// Links satlm_testbench alone: the golden model computes a layer.
#include "testbench/golden.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::layer_keys L;
    return satlm::golden_output(satlm::layer_data(L), true).values.size() == 128 ? 0 : 1;
}
