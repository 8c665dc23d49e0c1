#pragma once
/// SystemC shell of the SFU: hierarchy plus, when tracing, the column accumulators per clock.
#include "pe/sfu_core.h"

#include <systemc>

namespace satlm {

class sfu : public sc_core::sc_module {
public:
    sc_core::sc_vector<sc_core::sc_signal<int>> acc;

    sfu(const sc_core::sc_module_name& name, const sfu_core& core, unsigned cols)
        : sc_core::sc_module(name), acc("acc", cols), m_core(core) {}
    void sample() {
        for (unsigned c = 0; c < acc.size(); ++c) acc[c].write(m_core.acc(c));
    }
    void add_traces(sc_core::sc_trace_file* tf) {
        for (unsigned c = 0; c < acc.size(); ++c) sc_core::sc_trace(tf, acc[c], acc[c].name());
    }

private:
    const sfu_core& m_core;
};

}  // namespace satlm
