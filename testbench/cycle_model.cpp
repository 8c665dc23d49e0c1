#include "testbench/cycle_model.h"

#include "testbench/accel_core.h"
#include "testbench/sequencer.h"
#include "tlm/report.h"
#include "tlm/schedule.h"

namespace satlm {

namespace {

/// Stats of a finished run: schedule buckets (asserted equal to the stepped cycles); everything
/// else measured on the cores: SRAM traffic and the busiest edge's accesses from the macros'
/// counters, FIFO high water from the FIFOs, latencies from core events.
run_stats collect_stats(const accel_config& cfg, const layer_data& layer,
                        const std::vector<schedule_step>& steps, const accel_core& core) {
    run_stats st;
    st.cycles = total_cycles(steps);
    SATLM_ASSERT("satlm/cycle", st.cycles.total() == core.cycle(), "stepped {} cycles, schedule says {}",
                 core.cycle(), st.cycles.total());
    st.macs = layer.shape.macs();
    st.xmem.reads = core.xmem().reads();
    st.xmem.writes = core.xmem().writes();
    st.xmem.word_bytes = core.xmem().word_bytes();
    st.xmem.peak_bytes_per_cycle = core.xmem_peak_accesses() * st.xmem.word_bytes;
    st.pmem.reads = core.pmem().reads();
    st.pmem.writes = core.pmem().writes();
    st.pmem.word_bytes = core.pmem().word_bytes();
    st.pmem.peak_bytes_per_cycle = core.pmem_peak_accesses() * st.pmem.word_bytes;
    st.l0_high_water = core.l0().high_water();
    st.ofifo_high_water = core.ofifo().high_water();
    const std::int64_t e0 = core.first_execute_pe00();
    const std::int64_t p0 = core.first_push(0), pl = core.first_push(cfg.arch.cols - 1);
    if (e0 >= 0 && p0 >= 0) st.first_psum_col0 = static_cast<std::uint64_t>(p0 - e0);
    if (e0 >= 0 && pl >= 0) st.first_psum_last_col = static_cast<std::uint64_t>(pl - e0);
    for (const auto& s : steps) {
        if (s.kind == step_kind::execute || s.kind == step_kind::stream) {
            st.chunks += 1;
            if (s.chunk == 0) st.passes += 1;
        }
    }
    st.simulated_seconds = double(core.cycle()) * cfg.arch.clock_period_ns * 1e-9;
    return st;
}

/// Runs whose pmem holds every psum of the layer in the files' layout when they finish.
bool memories_comparable(const accel_config& cfg, const tiling_plan& plan) {
    return cfg.arch.schedule == schedule_kind::reference && plan.in_tiles == 1 && plan.out_tiles == 1 &&
           plan.bands.size() == 1;
}

/// After the run: the psums pmem holds and the addresses the SFU read (see run_result).
void capture_memories(const accel_config& cfg, const tiling_plan& plan, const accel_core& core, run_result& r) {
    if (!memories_comparable(cfg, plan)) return;
    const unsigned n = cfg.layer.positions(), k2 = cfg.layer.kernel_positions(), cols = cfg.arch.cols;
    r.pmem_psums.reserve(std::size_t{k2} * n * cols);
    for (unsigned a = plan.psum_base; a < plan.psum_base + k2 * n; ++a)
        for (unsigned c = 0; c < cols; ++c) r.pmem_psums.push_back(core.pmem_lane(core.pmem().word(a), c));
    r.acc_reads = core.pmem_read_log();
}

}  // namespace

run_result run_cycle_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan) {
    accel_config c = cfg;
    c.layer = layer.shape;
    const auto steps = build_schedule(c, plan);
    accel_core core(c);
    core.log_pmem_reads(memories_comparable(c, plan));
    sequencer seq(c, layer, plan, steps);
    seq.run_all(core);
    run_result r;
    r.output = seq.output();
    r.sums = seq.sums();
    r.plan = plan;
    r.stats = collect_stats(c, layer, steps, core);
    capture_memories(c, plan, core, r);
    return r;
}

}  // namespace satlm

// ---- SystemC top ----

#include "pe/l0_fifo.h"
#include "pe/ofifo.h"
#include "pe/pe_array.h"
#include "pe/sfu.h"
#include "sram/sram_bank.h"

#include <tlm_utils/simple_initiator_socket.h>

namespace satlm {

namespace {

/// The cycle model's top: the block shells around one accel_core, a loader initiator on xmem,
/// and one thread that runs the sequencer (one wait per step; per cycle when tracing).
class cycle_top : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(cycle_top);

    tlm_utils::simple_initiator_socket<cycle_top> loader;   ///< vector loader -> xmem
    tlm_utils::simple_initiator_socket<cycle_top> pmem_dbg; ///< backdoor reads of pmem

    cycle_top(const sc_core::sc_module_name& name, const accel_config& cfg, const layer_data& layer,
              const tiling_plan& plan, const std::string& vcd)
        : sc_core::sc_module(name)
        , loader("loader")
        , pmem_dbg("pmem_dbg")
        , m_cfg(cfg)
        , m_layer(layer)
        , m_plan(plan)
        , m_steps(build_schedule(cfg, plan))
        , m_core(cfg)
        , m_seq(cfg, layer, plan, m_steps)
        , xmem("xmem", m_core.xmem())
        , pmem("pmem", m_core.pmem())
        , l0("l0", m_core.l0())
        , array("array", m_core.array())
        , ofifo_shell("ofifo", m_core.ofifo())
        , sfu_shell("sfu", m_core.sfu(), cfg.arch.cols)
        , m_period(cfg.arch.clock_period_ns, sc_core::SC_NS) {
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

    void sample(const instruction& in) {
        const bool b[12] = {in.reset, in.load, in.execute, in.l0_wr, in.l0_rd, in.ofifo_rd, in.xmem_en,
                            in.xmem_wr, in.pmem_en, in.pmem_wr, in.acc, in.rearm};
        for (unsigned i = 0; i < 12; ++i) m_bits[i].write(b[i]);
        m_xaddr.write(in.xmem_addr);
        m_paddr.write(in.pmem_addr);
        l0.sample();
        array.sample();
        ofifo_shell.sample();
        sfu_shell.sample();
        sc_core::wait(m_period);
    }

    void run() {
        m_core.log_pmem_reads(memories_comparable(m_cfg, m_plan));
        m_core.set_offchip_writer([this](unsigned addr, const std::uint8_t* d) { write_xmem(addr, d); });
        if (m_tf) m_seq.on_cycle([this](const instruction& in) { sample(in); });
        for (std::size_t i = 0; i < m_seq.size(); ++i) {
            const std::uint64_t n = m_seq.run_step(i, m_core);
            if (!m_tf) sc_core::wait(m_period * static_cast<double>(n));
        }
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
};

}  // namespace

run_result run_cycle_systemc(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan,
                             const std::string& vcd_path) {
    accel_config c = cfg;
    c.layer = layer.shape;
    cycle_top top("top", c, layer, plan, vcd_path);
    sc_core::sc_start();
    return top.result;
}

}  // namespace satlm
