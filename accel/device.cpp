#include "accel/device.h"

namespace satlm {

device::device(const sc_core::sc_module_name& name, const accel_config& cfg)
    : sc_core::sc_module(name)
    , offchip("offchip")
    , regs("regs")
    , irq("irq")
    , m_cfg(cfg)
    , m_acc("accelerator", cfg.arch)
    , m_regs("registers", cfg, [this](const layer_descriptor& d) { return launch(d); }) {
    m_acc.offchip.bind(offchip);  // hierarchical: the child's initiator through the device's
    regs.bind(m_regs.bus);
    m_regs.irq.bind(irq);
}

std::uint64_t device::launch(const layer_descriptor& d) {
    accel_config cfg = m_cfg;
    cfg.layer = d.shape;
    offchip_layout where;
    where.activations = d.act_addr;
    where.weights = d.weight_addr;
    where.outputs = d.out_addr;
    return m_acc.run(cfg, where).stats.cycles.total();
}

}  // namespace satlm
