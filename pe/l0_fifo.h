#pragma once
/// SystemC shell of the L0 buffer: shows the block in the hierarchy and, when tracing, its
/// row heads as signals (sample() once per clock).
#include "pe/l0_fifo_core.h"

#include <systemc>
#include <vector>

namespace satlm {

class l0_fifo : public sc_core::sc_module {
public:
    sc_core::sc_vector<sc_core::sc_signal<unsigned>> head;  ///< row heads (4-bit lanes)

    l0_fifo(const sc_core::sc_module_name& name, const l0_fifo_core& core)
        : sc_core::sc_module(name), head("head", core.rows()), m_core(core) {}
    void sample() {
        for (unsigned r = 0; r < m_core.rows(); ++r) head[r].write(m_core.head(r));
    }
    void add_traces(sc_core::sc_trace_file* tf) {
        for (unsigned r = 0; r < m_core.rows(); ++r) sc_core::sc_trace(tf, head[r], head[r].name());
    }

private:
    const l0_fifo_core& m_core;
};

}  // namespace satlm
