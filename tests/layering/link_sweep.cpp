// Links satlm_sweep alone: a sweep file expands and one point runs on the engine.
#include "sweep/sweep_run.h"

#include <systemc>

int sc_main(int, char*[]) {
    const satlm::sweep_spec s = satlm::parse_sweep(
        "link.toml", "networks = [\"vgg16-cifar10-8ch\"]\n[set]\n\"model.fidelity\" = \"lt\"\n[grid]\n\"array.rows\" = [8, 16]\n");
    const satlm::point_record r = satlm::run_point(s, s.points.at(1), s.base_config());
    return s.points.size() == 2 && r.status == "ok" && r.layer_rows.size() == 13 ? 0 : 1;
}
