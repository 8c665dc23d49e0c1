#include "testbench/cycle_top.h"

#include "dataflow/ws/cycle_engine.h"
#include "dataflow/ws/sequencer.h"
#include "tlm/report.h"
#include "pe/l0_fifo.h"
#include "pe/ofifo.h"
#include "pe/pe_array.h"
#include "pe/sfu.h"
#include "sram/sram_bank.h"

#include <tlm_utils/simple_initiator_socket.h>

#include <string>

namespace satlm {

namespace {

/// Where in the flow a cycle is, coarsely: the VCD's `flow.phase` (docs/timing.md, "VCD").
enum class flow_phase : unsigned { idle, reset, load_data, load_weights, execute, stream, drain, accumulate };
constexpr const char* flow_phase_names[] = {"idle",    "reset",  "load_data", "load_weights",
                                            "execute", "stream", "drain",     "accumulate"};

flow_phase phase_of(step_kind k) {
    switch (k) {
    case step_kind::reset: return flow_phase::reset;
    case step_kind::idle:
    case step_kind::tail: return flow_phase::idle;
    case step_kind::write_act:
    case step_kind::act_prefetch:
    case step_kind::act_to_l0: return flow_phase::load_data;
    case step_kind::write_weight:
    case step_kind::weight_prefetch:
    case step_kind::weight_to_l0:
    case step_kind::load: return flow_phase::load_weights;
    case step_kind::execute: return flow_phase::execute;
    case step_kind::stream: return flow_phase::stream;
    case step_kind::drain:
    case step_kind::ofifo_prefetch:
    case step_kind::ofifo_to_pmem:
    case step_kind::drain_tail: return flow_phase::drain;
    case step_kind::accumulate_pixel:
    case step_kind::readout: return flow_phase::accumulate;
    }
    return flow_phase::idle;
}

/// The codes of flow.phase and flow.step, written into the VCD as a comment (one line: some
/// viewers fail on line breaks inside comments).
std::string flow_legend() {
    std::string s = "flow.phase:";
    for (unsigned i = 0; i < std::size(flow_phase_names); ++i) s += " " + std::to_string(i) + "=" + flow_phase_names[i];
    s += "; flow.step:";
    for (unsigned i = 0; i <= static_cast<unsigned>(step_kind::readout); ++i)
        s += " " + std::to_string(i) + "=" + to_string(static_cast<step_kind>(i));
    return s;
}

/// The cycle model's top: the block shells around one accel_core, a loader initiator on xmem,
/// and one thread that runs the sequencer (one wait per step; per cycle when tracing).
class cycle_top : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(cycle_top);

    tlm_utils::simple_initiator_socket<cycle_top> loader;   ///< vector loader -> xmem
    tlm_utils::simple_initiator_socket<cycle_top> pmem_dbg; ///< backdoor reads of pmem

    cycle_top(const sc_core::sc_module_name& name, const accel_config& cfg, const layer_data& layer,
              const tiling_plan& plan, const std::string& vcd, const vcd_window& window)
        : sc_core::sc_module(name)
        , loader("loader")
        , pmem_dbg("pmem_dbg")
        , m_cfg(cfg)
        , m_layer(layer)
        , m_plan(plan)
        , m_steps(build_schedule(cfg, plan))
        , m_core(cfg)
        , m_seq(cfg, layer, plan)
        , xmem("xmem", m_core.xmem())
        , pmem("pmem", m_core.pmem())
        , l0("l0", m_core.l0())
        , array("array", m_core.array())
        , ofifo_shell("ofifo", m_core.ofifo())
        , sfu_shell("sfu", m_core.sfu(), cfg.arch.cols)
        , m_period(cfg.arch.clock_period_ns, sc_core::SC_NS)
        , m_window(window) {
        loader.bind(xmem.in);
        pmem_dbg.bind(pmem.in);
        if (!vcd.empty()) {
            // SystemC appends ".vcd" itself: strip it so the file lands exactly at `vcd`.
            const bool has_ext = vcd.size() > 4 && vcd.compare(vcd.size() - 4, 4, ".vcd") == 0;
            m_tf = sc_core::sc_create_vcd_trace_file((has_ext ? vcd.substr(0, vcd.size() - 4) : vcd).c_str());
            m_tf->set_time_unit(1, sc_core::SC_PS);  // the kernel's resolution: any clock.period_ns fits
            const char* names[] = {"inst_reset", "inst_load", "inst_execute", "inst_l0_wr", "inst_l0_rd",
                                   "inst_ofifo_rd", "inst_xmem_en", "inst_xmem_wr", "inst_pmem_en",
                                   "inst_pmem_wr", "inst_acc", "inst_rearm"};
            for (unsigned i = 0; i < 12; ++i) sc_core::sc_trace(m_tf, m_bits[i], names[i]);
            sc_core::sc_trace(m_tf, m_xaddr, "inst_xmem_addr");
            sc_core::sc_trace(m_tf, m_paddr, "inst_pmem_addr");
            l0.add_traces(m_tf);
            array.add_traces(m_tf);
            ofifo_shell.add_traces(m_tf);
            sfu_shell.add_traces(m_tf);
            const char* flow_names[] = {"flow.otile", "flow.itile", "flow.band", "flow.group",
                                        "flow.kij",   "flow.chunk", "flow.phase", "flow.step"};
            for (unsigned i = 0; i < 8; ++i) sc_core::sc_trace(m_tf, m_flow[i], flow_names[i]);
            sc_core::sc_write_comment(m_tf, flow_legend());
        }
        SC_THREAD(run);
    }
    ~cycle_top() override {
        if (m_tf) sc_core::sc_close_vcd_trace_file(m_tf);
    }

    run_result result;

private:
    /// Every off-chip -> xmem word (activations and weights, at the cycle the schedule writes it)
    /// travels as a TLM write from the loader to the xmem bank; the SRAM edge counts it.
    void write_xmem(unsigned addr, const std::uint8_t* data) {
        const unsigned bytes = m_core.xmem().word_bytes();
        tlm::tlm_generic_payload p;
        sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
        p.set_command(tlm::TLM_WRITE_COMMAND);
        p.set_address(std::uint64_t{addr} * bytes);
        p.set_data_ptr(const_cast<unsigned char*>(data));
        p.set_data_length(bytes);
        p.set_streaming_width(bytes);
        p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        loader->b_transport(p, delay);
        SATLM_ASSERT("satlm/cycle", p.is_response_ok(), "xmem write of word {} failed: {}", addr,
                     p.get_response_string());
    }

    /// One traced cycle: the signals as the RTL's are between this edge and the next
    /// (docs/timing.md). Cycles outside the window only advance time, in one wait before the
    /// next sampled cycle.
    void sample(const instruction& in) {
        if (!m_window.contains(m_cycles_seen++)) {
            ++m_unsampled;
            return;
        }
        catch_up();
        const bool b[12] = {in.reset, in.load, in.execute, in.l0_wr, in.l0_rd, in.ofifo_rd, in.xmem_en,
                            in.xmem_wr, in.pmem_en, in.pmem_wr, in.acc, in.rearm};
        for (unsigned i = 0; i < 12; ++i) m_bits[i].write(b[i]);
        m_xaddr.write(in.xmem_addr);
        m_paddr.write(in.pmem_addr);
        l0.sample();
        array.sample();
        ofifo_shell.sample();
        sfu_shell.sample();
        const schedule_step& s = m_steps[m_step];
        const unsigned flow[8] = {s.otile, s.itile, s.band, s.group, s.kij, s.chunk,
                                  static_cast<unsigned>(phase_of(s.kind)), static_cast<unsigned>(s.kind)};
        for (unsigned i = 0; i < 8; ++i) m_flow[i].write(flow[i]);
        sc_core::wait(m_period);
    }

    /// Waits out the cycles left unsampled (outside the VCD window).
    void catch_up() {
        if (m_unsampled) sc_core::wait(m_period * static_cast<double>(m_unsampled));
        m_unsampled = 0;
    }

    void run() {
        m_core.log_pmem_reads(memories_comparable(m_cfg, m_plan));
        m_core.set_offchip_writer([this](unsigned addr, const std::uint8_t* d) { write_xmem(addr, d); });
        if (m_tf) m_seq.on_cycle([this](const instruction& in) { sample(in); });
        for (std::size_t i = 0; i < m_steps.size(); ++i) {
            m_step = i;
            const std::uint64_t n = m_seq.run_step(m_steps[i], m_core);
            if (!m_tf) sc_core::wait(m_period * static_cast<double>(n));
        }
        catch_up();
        result.output = m_seq.output();
        result.sums = m_seq.sums();
        result.plan = m_plan;
        result.stats = collect_stats(m_cfg, m_layer, m_steps, m_core);
        capture_memories(m_cfg, m_plan, m_core, result);
        const double cycles = sc_core::sc_time_stamp() / m_period;
        SATLM_ASSERT("satlm/cycle", static_cast<std::uint64_t>(cycles + 0.5) == result.stats.cycles.total(),
                     "simulated time {} cycles, schedule {}", cycles, result.stats.cycles.total());
        sc_core::sc_stop();
    }

    const accel_config& m_cfg;
    const layer_data& m_layer;
    const tiling_plan& m_plan;
    std::vector<schedule_step> m_steps;
    accel_core m_core;
    sequencer m_seq;

public:
    sram_bank xmem, pmem;
    l0_fifo l0;
    pe_array array;
    ofifo ofifo_shell;
    sfu sfu_shell;

private:
    sc_core::sc_time m_period;
    sc_core::sc_trace_file* m_tf = nullptr;
    sc_core::sc_signal<bool> m_bits[12];
    sc_core::sc_signal<unsigned> m_xaddr, m_paddr;
    sc_core::sc_signal<unsigned> m_flow[8];  ///< otile, itile, band, group, kij, chunk, phase, step
    vcd_window m_window;
    std::size_t m_step = 0;             ///< the step being run (its instructions are being sampled)
    std::uint64_t m_cycles_seen = 0;    ///< cycles offered to sample() so far
    std::uint64_t m_unsampled = 0;      ///< cycles outside the window not yet waited for
};

}  // namespace

run_result run_cycle_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan,
                             const std::string& vcd_path, const vcd_window& window) {
    accel_config c = cfg;
    c.layer = layer.shape;
    cycle_top top("top", c, layer, plan, vcd_path, window);
    sc_core::sc_start();
    return top.result;
}

}  // namespace satlm
