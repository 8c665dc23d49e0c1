#pragma once
/// The OFIFO block of the corelet: C column FIFOs with o_valid and the registered read
/// (pe/ofifo_core.h) in one clocked process. Takes the array's south outputs on `psum_in`,
/// drives o_valid and the heads on `out` (pmem's D). Measures each column's first push and the
/// pops that found it empty.

#include "accel/ports.h"
#include "pe/ofifo_core.h"
#include "tlm/config.h"

#include <systemc>

#include <cstdint>
#include <optional>
#include <vector>

namespace satlm {

class ofifo_block : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<instruction_word> inst;
    sc_core::sc_in<psum_bus> psum_in;   ///< the array's south outputs
    sc_core::sc_out<ofifo_bus> out;     ///< o_valid and the column heads
    sc_core::sc_out<bool> quiet;        ///< no registered pop pending

    SC_HAS_PROCESS(ofifo_block);
    ofifo_block(const sc_core::sc_module_name& name, unsigned cols);

    void start(const arch_keys& arch);
    const ofifo_core& core() const { return *m_core; }
    /// The first edge column c pushed since start() (-1: none).
    std::int64_t first_push(unsigned c) const { return m_first_push[c]; }
    /// Edges that acted on a pop with o_valid low (never, in a sound schedule).
    std::uint64_t empty_pops() const { return m_empty_pops; }
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void clock_edge();

    unsigned m_cols;
    std::optional<ofifo_core> m_core;
    ofifo_bus m_out;
    bool m_pop_pending = false;
    bool m_first_edge = true;  ///< the outputs are written at the first edge of a layer
    std::uint64_t m_edge = 0, m_empty_pops = 0;
    std::vector<std::int64_t> m_first_push;
    unsigned m_cols_pushed = 0;
};

}  // namespace satlm
