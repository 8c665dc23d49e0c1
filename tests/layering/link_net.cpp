// Links satlm_net alone: a built-in network loads and times without data.
#include "net/network_run.h"

#include <systemc>

int sc_main(int, char*[]) {
    satlm::net_options o;
    o.no_data = true;
    o.arch.arch.model = satlm::fidelity::lt;
    o.layers = {"conv4_2"};
    return satlm::run_network(satlm::load_network("vgg16-cifar10-8ch"), o).layers.size() == 1 ? 0 : 1;
}
