#include "accel/array_block.h"

namespace satlm {

array_block::array_block(const sc_core::sc_module_name& name, unsigned rows, unsigned cols)
    : sc_core::sc_module(name), clk("clk"), inst("inst"), act_in("act_in"), psum_out("psum_out"), quiet("quiet")
    , m_rows(rows), m_cols(cols), m_south(cols) {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void array_block::start(const arch_keys& arch, const layer_keys& layer) {
    (void)arch;
    m_core.emplace(m_rows, m_cols, layer.psum_bits, layer.act_bits == 2);
    m_edge = 0;
    m_first_exec = -1;
}

void array_block::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    if (I.reset) {
        if (w.repeat > 1) m_core->idle_reset(w.repeat);  // the same as `repeat` reset edges
        else m_core->reset();
    } else if (w.repeat > 1) {
        m_core->idle(w.repeat);  // sent only when the array is quiet
    } else {
        m_core->clock(act_in.read().lanes.data(), I.load, I.execute, I.rearm);
        if (m_first_exec < 0 && m_core->execute_bit(0, 0)) m_first_exec = static_cast<std::int64_t>(m_edge);
    }
    m_edge += w.repeat;
    bool any = false;
    for (unsigned c = 0; c < m_cols; ++c) {
        const bool v = m_core->next_push_valid(c);
        m_south.valid[c] = v;
        m_south.value[c] = v ? m_core->next_push_value(c) : 0;
        any = any || v;
    }
    if (any || m_south.any) {  // no push now and none before: the wires keep their value
        m_south.any = any;
        psum_out.write(m_south);
    }
    quiet.write(m_core->quiet());
}

void array_block::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, psum_out, psum_out.name());
    sc_core::sc_trace(tf, quiet, quiet.name());
}

}  // namespace satlm
