#include "accel/ofifo_block.h"

namespace satlm {

ofifo_block::ofifo_block(const sc_core::sc_module_name& name, unsigned cols)
    : sc_core::sc_module(name), clk("clk"), inst("inst"), psum_in("psum_in"), out("out"), quiet("quiet")
    , m_cols(cols), m_out(cols) {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void ofifo_block::start(const arch_keys& arch) {
    m_core.emplace(m_cols, arch.ofifo_depth);
    m_pop_pending = false;
    m_first_edge = true;
    m_edge = m_empty_pops = 0;
    m_first_push.assign(m_cols, -1);
    m_cols_pushed = 0;
}

void ofifo_block::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    // The heads and o_valid move only with a reset, a push or a registered pop.
    const bool moves = I.reset || m_core->read_pending() || (w.repeat == 1 && psum_in.read().any);
    if (I.reset) {
        m_core->reset();
        m_pop_pending = false;
    } else if (w.repeat == 1) {  // blank stretches (repeat > 1) come only with nothing to pop or push
        const psum_bus& p = psum_in.read();
        if (m_pop_pending && !m_core->o_valid()) ++m_empty_pops;
        m_core->clock(p.valid.data(), p.value.data(), p.any, I.ofifo_rd);
        m_pop_pending = I.ofifo_rd;
        if (m_cols_pushed < m_cols && p.any)
            for (unsigned c = 0; c < m_cols; ++c)
                if (p.valid[c] && m_first_push[c] < 0) {
                    m_first_push[c] = static_cast<std::int64_t>(m_edge);
                    ++m_cols_pushed;
                }
    }
    m_edge += w.repeat;
    if (moves || m_first_edge) {
        m_out.valid = m_core->o_valid();
        for (unsigned c = 0; c < m_cols; ++c) m_out.head[c] = m_core->head(c);
        out.write(m_out);
        m_first_edge = false;
    }
    quiet.write(!m_pop_pending && !m_core->read_pending());
}

void ofifo_block::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, out, out.name());
    sc_core::sc_trace(tf, quiet, quiet.name());
}

}  // namespace satlm
