#pragma once
/// The SFU block of the corelet: one accumulator per column and the output register pipeline
/// (pe/sfu_core.h) in one clocked process. Takes pmem's Q lanes on `q_in`; drives the output
/// register's sums (before ReLU) on `sum_out`, read by pmem's D mux (partial write-back) and by
/// the controller (the finished pixels).

#include "accel/ports.h"
#include "pe/sfu_core.h"
#include "tlm/config.h"

#include <systemc>

#include <optional>

namespace satlm {

class sfu_block : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<instruction_word> inst;
    sc_core::sc_in<psum_lanes> q_in;     ///< Q_pmem as psum lanes
    sc_core::sc_out<psum_lanes> sum_out; ///< the output register's sums (sfp_out before ReLU)

    SC_HAS_PROCESS(sfu_block);
    sfu_block(const sc_core::sc_module_name& name, unsigned cols);

    void start(const arch_keys& arch, const layer_keys& layer);
    const sfu_core& core() const { return *m_core; }
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void clock_edge();

    unsigned m_cols;
    std::optional<sfu_core> m_core;
    psum_lanes m_sum;
    unsigned m_latency = 1;
    bool m_first_edge = true;
};

}  // namespace satlm
