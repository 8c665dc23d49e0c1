#include "engine/engine.h"

#include "dataflow/dataflow.h"

namespace satlm {

run_result run_layer(const accel_config& cfg, const layer_data& layer) {
    accel_config c = cfg;
    c.layer = layer.shape;
    c.validate();
    return dataflow_for(c).run(c, layer);
}

run_stats time_layer(const accel_config& cfg) {
    cfg.validate();
    return dataflow_for(cfg).time(cfg);
}

}  // namespace satlm
