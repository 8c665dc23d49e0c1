#pragma once
/// The accelerator as a bus device (docs/registers.md): the structural accelerator plus its
/// control registers. A virtual platform binds `offchip` to its memory (or bus), `regs` to its
/// bus and `irq` to an interrupt line, and runs layers by register writes, as a driver on a CPU
/// would.
///
/// \code
///   satlm::device acc("acc", cfg);           // architecture keys of cfg
///   acc.offchip.bind(bus.in);                 // tensors in, outputs out
///   bus.window(0x40000000, satlm::reg::size).bind(acc.regs);
///   acc.irq.bind(irq_line);
/// \endcode

#include "accel/accelerator.h"
#include "accel/control_registers.h"

#include <systemc>
#include <tlm>

namespace satlm {

class device : public sc_core::sc_module {
public:
    tlm::tlm_initiator_socket<> offchip;  ///< the accelerator's off-chip port, passed through
    tlm::tlm_target_socket<> regs;        ///< the control registers
    sc_core::sc_out<bool> irq;            ///< high when a layer is done (IRQ_ENABLE) until CLEAR

    /// Elaborates the accelerator for the architecture keys of `cfg` (cfg.layer is ignored: the
    /// descriptor registers choose each layer). Throws config_error like accelerator does.
    device(const sc_core::sc_module_name& name, const accel_config& cfg);

    accelerator& core() { return m_acc; }
    control_registers& registers() { return m_regs; }

private:
    /// START: the descriptor's layer on the accelerator; its cycles for the CYCLES register.
    std::uint64_t launch(const layer_descriptor& d);

    accel_config m_cfg;
    accelerator m_acc;
    control_registers m_regs;
};

}  // namespace satlm
