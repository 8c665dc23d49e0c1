#pragma once
/// SystemC shell of the PE array: hierarchy plus, when tracing, each column's psum valid and
/// data per clock, as the RTL's wires hold them between edges: after edge t they show what
/// column c pushes into the OFIFO at edge t + 1 (the bottom PE's execute bit and out_s).
#include "pe/pe_array_core.h"

#include <systemc>

namespace satlm {

class pe_array : public sc_core::sc_module {
public:
    sc_core::sc_vector<sc_core::sc_signal<bool>> psum_valid;
    sc_core::sc_vector<sc_core::sc_signal<int>> psum;

    pe_array(const sc_core::sc_module_name& name, const pe_array_core& core)
        : sc_core::sc_module(name), psum_valid("psum_valid", core.cols()), psum("psum", core.cols()), m_core(core) {}
    void sample() {
        for (unsigned c = 0; c < m_core.cols(); ++c) {
            psum_valid[c].write(m_core.next_push_valid(c));
            psum[c].write(m_core.next_push_value(c));
        }
    }
    void add_traces(sc_core::sc_trace_file* tf) {
        for (unsigned c = 0; c < m_core.cols(); ++c) {
            sc_core::sc_trace(tf, psum_valid[c], psum_valid[c].name());
            sc_core::sc_trace(tf, psum[c], psum[c].name());
        }
    }

private:
    const pe_array_core& m_core;
};

}  // namespace satlm
