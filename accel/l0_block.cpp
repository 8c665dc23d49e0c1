#include "accel/l0_block.h"

#include <algorithm>

namespace satlm {

l0_block::l0_block(const sc_core::sc_module_name& name, unsigned rows)
    : sc_core::sc_module(name), clk("clk"), inst("inst"), act_in("act_in"), act_out("act_out"), quiet("quiet")
    , m_rows(rows), m_heads(rows) {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void l0_block::start(const arch_keys& arch) {
    m_core.emplace(m_rows, arch.l0_depth);
    m_first_edge = true;
}

void l0_block::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    const bool moves = I.reset || I.l0_wr || !m_core->read_idle() || m_first_edge;
    if (I.reset) m_core->reset();                 // further reset edges keep the reset state
    else if (w.repeat > 1) m_core->idle(w.repeat);  // sent only when no pop is pending
    else m_core->clock(I.l0_wr, act_in.read().lanes.data(), I.l0_rd);
    if (moves) {
        std::copy_n(m_core->heads(), m_rows, m_heads.lanes.begin());
        act_out.write(m_heads);
        m_first_edge = false;
    }
    quiet.write(m_core->read_idle());
}

void l0_block::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, act_out, act_out.name());
    sc_core::sc_trace(tf, quiet, quiet.name());
}

}  // namespace satlm
