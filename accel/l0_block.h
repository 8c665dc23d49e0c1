#pragma once
/// The L0 block of the corelet: the R row FIFOs with the skewed read (pe/l0_fifo_core.h) in one
/// clocked process. Takes xmem's Q on `act_in` (pushed on l0_wr), drives the row heads on
/// `act_out` (the array's west inputs) between edges.

#include "accel/ports.h"
#include "pe/l0_fifo_core.h"
#include "tlm/config.h"

#include <systemc>

#include <optional>

namespace satlm {

class l0_block : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<instruction_word> inst;
    sc_core::sc_in<byte_lanes> act_in;    ///< Q_xmem (packed 4-bit lanes, lane r -> row r)
    sc_core::sc_out<byte_lanes> act_out;  ///< every row's head
    sc_core::sc_out<bool> quiet;          ///< no skewed pop pending (an idle edge changes nothing)

    SC_HAS_PROCESS(l0_block);
    l0_block(const sc_core::sc_module_name& name, unsigned rows);

    /// Starts a layer: a fresh core of `l0.depth` entries per row.
    void start(const arch_keys& arch);
    const l0_fifo_core& core() const { return *m_core; }
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void clock_edge();

    unsigned m_rows;
    std::optional<l0_fifo_core> m_core;
    byte_lanes m_heads;
    bool m_first_edge = true;
};

}  // namespace satlm
