#pragma once
/// The controller of the structural top: the RTL testbench's role. Its thread walks the layer's
/// schedule through the instruction_program (dataflow/ws/instruction_program.h, the expansion
/// the sequencer shares), drives the instruction word every block reads (`inst`, a register:
/// the blocks act on it at the next edge) and ticks the accelerator's clock. It fetches every
/// word an xmem write stores from off-chip (`offchip`, at the cycle the schedule writes it,
/// onto `d_xmem`) and writes the finished pixels (the SFU's `sum_in`) back there.
///
/// Stalls: a memory port that reports wait cycles holds the next edge that many cycles (every
/// block holds, the instruction stays); they count as cycles.stall_causes xmem_wait / pmem_wait.
/// Fast-forward: n identical cycles go out as one word with repeat = n where that is exact (a
/// held reset; blank words once every block reports `quiet`), never while tracing.

#include "dataflow/ws/instruction_program.h"
#include "accel/offchip.h"
#include "accel/ports.h"
#include "dataflow/ws/schedule.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace satlm {

class controller : public sc_core::sc_module, private instruction_sink {
public:
    sc_core::sc_out<instruction_word> inst;  ///< the instruction word (registered)
    sc_core::sc_out<byte_lanes> d_xmem;      ///< D_xmem: the off-chip word an xmem write stores
    sc_core::sc_in<psum_lanes> sum_in;       ///< the SFU output register (finished pixels)
    sc_core::sc_in<bool> l0_quiet, array_quiet, ofifo_quiet;
    sc_core::sc_in<unsigned> xmem_wait, pmem_wait;  ///< stall cycles the memories ask for
    tlm_utils::simple_initiator_socket<controller> offchip;

    SC_HAS_PROCESS(controller);
    controller(const sc_core::sc_module_name& name, clock_set& clocks, unsigned xmem_word_bytes,
               sc_core::sc_time period);

    /// Runs one layer (blocking; from a thread): the blocks must have been started for it.
    /// Returns the schedule's totals; stalls() holds the stall cycles it added.
    step_totals run(const accel_config& cfg, const tiling_plan& plan, const offchip_layout& where);
    const stall_causes& stalls() const { return m_stalls; }
    /// Schedule cycles run (edges, stalls excluded).
    std::uint64_t cycles() const { return m_cycle; }
    /// Tracing: every cycle its own edge (no fast-forward); `on_step` sees each schedule step.
    void trace_every_cycle(bool on) { m_every_cycle = on; }
    void on_step(std::function<void(const schedule_step&)> f) { m_on_step = std::move(f); }
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void issue_instructions();
    // instruction_sink
    void emit(const instruction& in, const offchip_fetch& fetch) override;
    void emit_n(const instruction& in, std::uint64_t n) override;
    void capture(unsigned band, unsigned pixel, unsigned otile) override;
    std::uint64_t cycle() const override { return m_cycle; }

    /// One edge (or `repeat` edges at once) registering `in` (with the off-chip word it stores).
    void edge(const instruction& in, std::uint32_t repeat, const offchip_fetch* fetch = nullptr);
    /// Before an edge: the pixel the SFU finished at the last edge, and the stall it asked for.
    void settle();
    void fetch_word(const offchip_fetch& f);
    void offchip_access(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned bytes);
    bool all_quiet() const { return l0_quiet.read() && array_quiet.read() && ofifo_quiet.read(); }

    clock_set& m_clk;
    instruction_word m_acting;    ///< the word the next edge acts on (the last one registered)
    bool m_xmem_ticked = false, m_pmem_ticked = false;  ///< at the last edge
    unsigned m_xbytes;
    sc_core::sc_time m_period;
    sc_core::sc_event m_start, m_done;
    const accel_config* m_cfg = nullptr;
    const tiling_plan* m_plan = nullptr;
    offchip_layout m_where;
    step_totals m_totals;
    stall_causes m_stalls;
    std::uint64_t m_cycle = 0;
    bool m_last_blank = true;     ///< the word registered at the last edge was blank
    bool m_ticked = false;        ///< an edge since the last settle(): the wait ports are news
    bool m_every_cycle = false;
    std::function<void(const schedule_step&)> m_on_step;
    struct pending_capture {
        unsigned band, pixel, otile;
    };
    std::optional<pending_capture> m_capture;
    byte_lanes m_d;
    std::vector<std::uint8_t> m_fetch_buf, m_out_buf, m_sum_buf;
    tlm::tlm_generic_payload m_payload;
};

}  // namespace satlm
