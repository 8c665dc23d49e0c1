#pragma once
/// SystemC shell of the OFIFO: hierarchy plus, when tracing, o_valid per clock.
#include "pe/ofifo_core.h"

#include <systemc>

namespace satlm {

class ofifo : public sc_core::sc_module {
public:
    sc_core::sc_signal<bool> o_valid;

    ofifo(const sc_core::sc_module_name& name, const ofifo_core& core)
        : sc_core::sc_module(name), o_valid("o_valid"), m_core(core) {}
    void sample() { o_valid.write(m_core.o_valid()); }
    void add_traces(sc_core::sc_trace_file* tf) { sc_core::sc_trace(tf, o_valid, o_valid.name()); }

private:
    const ofifo_core& m_core;
};

}  // namespace satlm
