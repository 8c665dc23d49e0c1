#include "accel/sfu_block.h"

namespace satlm {

sfu_block::sfu_block(const sc_core::sc_module_name& name, unsigned cols)
    : sc_core::sc_module(name), clk("clk"), inst("inst"), q_in("q_in"), sum_out("sum_out"), m_cols(cols)
    , m_sum(cols) {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void sfu_block::start(const arch_keys& arch, const layer_keys& layer) {
    m_core.emplace(m_cols, layer.psum_bits, arch.sfu_latency);
    m_latency = arch.sfu_latency;
    m_first_edge = true;
}

void sfu_block::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    if (I.reset) m_core->reset();
    else if (w.repeat > 1) m_core->idle(w.repeat);
    else m_core->clock(false, I.acc, I.acc_load, q_in.read().lanes.data(), I.sfu_out, I.relu);
    if (I.sfu_out || m_latency > 1 || m_first_edge) {
        for (unsigned c = 0; c < m_cols; ++c) m_sum.lanes[c] = m_core->out_sum(c);
        sum_out.write(m_sum);
        m_first_edge = false;
    }
}

void sfu_block::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, sum_out, sum_out.name());
}

}  // namespace satlm
