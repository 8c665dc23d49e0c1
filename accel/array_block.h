#pragma once
/// The PE array block of the corelet: all R x C PEs in one clocked process over one
/// pe_array_core (per-PE processes would cost 10-50x). Takes the L0 heads on `act_in`; drives
/// on `psum_out`, between edges, what each column pushes into the OFIFO at the next edge (the
/// bottom PEs' valid and out_s wires). Measures the edge PE(0,0) first executes.

#include "accel/ports.h"
#include "pe/pe_array_core.h"
#include "tlm/config.h"

#include <systemc>

#include <cstdint>
#include <optional>

namespace satlm {

class array_block : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<instruction_word> inst;
    sc_core::sc_in<byte_lanes> act_in;    ///< west inputs: the L0 row heads
    sc_core::sc_out<psum_bus> psum_out;   ///< south outputs: valid and psum per column
    sc_core::sc_out<bool> quiet;          ///< no bit in flight, every c_q settled

    SC_HAS_PROCESS(array_block);
    array_block(const sc_core::sc_module_name& name, unsigned rows, unsigned cols);

    /// Starts a layer: a fresh array for its psum width and activation mode.
    void start(const arch_keys& arch, const layer_keys& layer);
    const pe_array_core& core() const { return *m_core; }
    /// The first edge PE(0,0) executed since start() (-1: none).
    std::int64_t first_execute_pe00() const { return m_first_exec; }
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void clock_edge();

    unsigned m_rows, m_cols;
    std::optional<pe_array_core> m_core;
    psum_bus m_south;
    std::uint64_t m_edge = 0;
    std::int64_t m_first_exec = -1;
};

}  // namespace satlm
