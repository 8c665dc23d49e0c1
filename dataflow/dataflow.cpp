#include "dataflow/dataflow.h"

#include "dataflow/ws/ws_dataflow.h"

namespace satlm {

const dataflow& dataflow_for(const accel_config& cfg) {
    static const ws_dataflow ws;  // stateless, so one shared instance serves every thread
    switch (cfg.arch.dataflow) {
        case dataflow_kind::ws: return ws;
    }
    return ws;
}

}  // namespace satlm
