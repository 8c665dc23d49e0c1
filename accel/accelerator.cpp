#include "accel/accelerator.h"

#include "dataflow/ws/cycle_engine.h"
#include "dataflow/ws/tiling.h"
#include "tlm/report.h"

#include <fmt/format.h>

namespace satlm {

namespace {

unsigned bytes_of(unsigned bits) { return (bits + 7) / 8; }

unsigned pmem_bits(const arch_keys& a, unsigned lane_bits) { return a.pmem_width(lane_bits); }

std::unique_ptr<memory_model> make_memory(const char* role, const sram_keys& keys, unsigned width_bits,
                                          sc_core::sc_time period) {
    memory_params p;
    p.role = role;
    p.words = keys.words;
    p.width_bits = width_bits;
    p.word_bytes = bytes_of(width_bits);
    p.period = period;
    p.keys = &keys;
    return make_memory_model(keys.model, (std::string(role) + "_macro").c_str(), p);
}

}  // namespace

accelerator::accelerator(const sc_core::sc_module_name& name, const arch_keys& arch, unsigned max_psum_bits)
    : sc_core::sc_module(name)
    , offchip("offchip")
    , m_arch(arch)
    , m_period(arch.clock_period_ns, sc_core::SC_NS)
    , m_pmem_lane_bits(max_psum_bits)
    , m_inst("inst")
    , m_d_xmem("d_xmem", byte_lanes(bytes_of(arch.xmem_width())))
    , m_xmem_q("xmem_q", byte_lanes(bytes_of(arch.xmem_width())))
    , m_ofifo_out("ofifo_out", ofifo_bus(arch.cols))
    , m_pmem_q("pmem_q", psum_lanes(arch.cols))
    , m_sfu_sum("sfu_sum", psum_lanes(arch.cols))
    , m_l0_quiet("l0_quiet")
    , m_array_quiet("array_quiet")
    , m_ofifo_quiet("ofifo_quiet")
    , m_xmem_wait("xmem_wait")
    , m_pmem_wait("pmem_wait")
    , m_xmem(make_memory("xmem", m_arch.xmem, arch.xmem_width(), m_period))
    , m_pmem(make_memory("pmem", m_arch.pmem, pmem_bits(arch, max_psum_bits), m_period))
    , ctrl("controller", m_clk, bytes_of(arch.xmem_width()), m_period)
    , xmem("xmem", bytes_of(arch.xmem_width()), m_period)
    , core("corelet", arch.rows, arch.cols)
    , pmem("pmem", arch.cols, bytes_of(pmem_bits(arch, max_psum_bits)), m_period) {
    // Off-chip: the controller's socket is the accelerator's.
    ctrl.offchip.bind(offchip);
    // The instruction word and the clock reach every block.
    ctrl.inst(m_inst);
    xmem.clk(m_clk.xmem);
    xmem.inst(m_inst);
    core.clk(m_clk.core);
    core.sfu_clk(m_clk.sfu);
    core.inst(m_inst);
    pmem.clk(m_clk.pmem);
    pmem.inst(m_inst);
    // Producer to consumer: xmem -> L0 -> array -> OFIFO -> pmem -> SFU.
    ctrl.d_xmem(m_d_xmem);
    xmem.d(m_d_xmem);
    xmem.mem.bind(m_xmem->target());
    xmem.q(m_xmem_q);
    core.act_in(m_xmem_q);
    core.psum_out(m_ofifo_out);
    pmem.ofifo_in(m_ofifo_out);
    pmem.mem.bind(m_pmem->target());
    pmem.q(m_pmem_q);
    core.q_in(m_pmem_q);
    core.sum_out(m_sfu_sum);
    pmem.sfu_in(m_sfu_sum);
    ctrl.sum_in(m_sfu_sum);
    // Status back to the controller: fixed points (fast-forward) and memory waits (stalls).
    core.l0_quiet(m_l0_quiet);
    core.array_quiet(m_array_quiet);
    core.ofifo_quiet(m_ofifo_quiet);
    ctrl.l0_quiet(m_l0_quiet);
    ctrl.array_quiet(m_array_quiet);
    ctrl.ofifo_quiet(m_ofifo_quiet);
    xmem.wait_cycles(m_xmem_wait);
    pmem.wait_cycles(m_pmem_wait);
    ctrl.xmem_wait(m_xmem_wait);
    ctrl.pmem_wait(m_pmem_wait);
}

void accelerator::trace(sc_core::sc_trace_file* tf) {
    ctrl.trace_every_cycle(true);
    for (const edge_clock* c : {&m_clk.core, &m_clk.xmem, &m_clk.pmem, &m_clk.sfu})
        sc_core::sc_trace(tf, c->read(), std::string(name()) + "." + c->basename());
    ctrl.trace(tf);
    xmem.trace(tf);
    core.trace(tf);
    pmem.trace(tf);
}

run_result accelerator::run(const accel_config& layer_cfg, const offchip_layout& where) {
    const accel_config cfg = layer_cfg;
    const arch_keys& A = cfg.arch;
    const auto mismatch = [&](const char* key, auto want, auto got) {
        if (want != got)
            throw config_error(fmt::format("{}: key `{}`: the accelerator was elaborated with {}, the layer asks for {}",
                                           name(), key, want, got));
    };
    mismatch("array.rows", m_arch.rows, A.rows);
    mismatch("array.cols", m_arch.cols, A.cols);
    mismatch("xmem.words", m_arch.xmem.words, A.xmem.words);
    mismatch("pmem.words", m_arch.pmem.words, A.pmem.words);
    mismatch("xmem.width_bits", m_arch.xmem_width(), A.xmem_width());
    mismatch("clock.period_ns", m_arch.clock_period_ns, A.clock_period_ns);
    mismatch("xmem.model", m_arch.xmem.model, A.xmem.model);
    mismatch("pmem.model", m_arch.pmem.model, A.pmem.model);
    if (A.pmem_width(cfg.layer.psum_bits) > pmem_bits(m_arch, m_pmem_lane_bits))
        throw config_error(fmt::format("{}: key `layer.psum_bits`: {}-bit psums need {}-bit pmem words, elaborated with {}",
                                       name(), cfg.layer.psum_bits, A.pmem_width(cfg.layer.psum_bits),
                                       pmem_bits(m_arch, m_pmem_lane_bits)));
    if (A.schedule == schedule_kind::scalesim)
        throw config_error("key `schedule.kind`: \"scalesim\" is a closed-form timing without a clocked top");

    const tiling_plan plan = plan_tiling(cfg);
    xmem.start(A.xmem.read_latency);
    pmem.start(A.pmem, cfg.layer.psum_bits);
    pmem.log_reads(memories_comparable(cfg, plan));
    core.start(A, cfg.layer);
    const sc_core::sc_time t0 = sc_core::sc_time_stamp();
    const step_totals totals = ctrl.run(cfg, plan, where);

    run_result r;
    r.plan = plan;
    run_stats& st = r.stats;
    st.cycles = totals.cycles;
    st.cycles.add_stall(&stall_causes::xmem_wait, ctrl.stalls().xmem_wait);
    st.cycles.add_stall(&stall_causes::pmem_wait, ctrl.stalls().pmem_wait);
    SATLM_ASSERT("satlm/accelerator", totals.cycles.total() == ctrl.cycles(), "ran {} cycles, the schedule says {}",
                 ctrl.cycles(), totals.cycles.total());
    st.macs = cfg.layer.macs();
    const unsigned xbytes = bytes_of(A.xmem_width()), pbytes = bytes_of(A.pmem_width(cfg.layer.psum_bits));
    st.xmem.reads = xmem.reads();
    st.xmem.writes = xmem.writes();
    st.xmem.word_bytes = xbytes;
    st.xmem.peak_bytes_per_cycle = xmem.peak_accesses() * xbytes;
    st.pmem.reads = pmem.reads();
    st.pmem.writes = pmem.writes();
    st.pmem.word_bytes = pbytes;
    st.pmem.peak_bytes_per_cycle = pmem.peak_accesses() * pbytes;
    st.l0_high_water = core.l0.core().high_water();
    st.ofifo_high_water = core.ofifo.core().high_water();
    const std::int64_t e0 = core.array.first_execute_pe00();
    const std::int64_t p0 = core.ofifo.first_push(0), pl = core.ofifo.first_push(A.cols - 1);
    if (e0 >= 0 && p0 >= 0) st.first_psum_col0 = static_cast<std::uint64_t>(p0 - e0);
    if (e0 >= 0 && pl >= 0) st.first_psum_last_col = static_cast<std::uint64_t>(pl - e0);
    st.chunks = totals.chunks;
    st.passes = totals.passes;
    st.simulated_seconds = double(st.cycles.total()) * A.clock_period_ns * 1e-9;
    const double elapsed = (sc_core::sc_time_stamp() - t0) / m_period;
    SATLM_ASSERT("satlm/accelerator", static_cast<std::uint64_t>(elapsed + 0.5) == st.cycles.total(),
                 "simulated time {} cycles, counted {}", elapsed, st.cycles.total());

    if (memories_comparable(cfg, plan)) {
        // The psums pmem holds, read through the model's debug transport, and the SFU's reads.
        const unsigned n = cfg.layer.positions(), k2 = cfg.layer.kernel_positions(), cols = A.cols;
        std::vector<std::uint8_t> word(pmem.word_bytes());
        r.pmem_psums.reserve(std::size_t{k2} * n * cols);
        for (unsigned a = plan.psum_base; a < plan.psum_base + k2 * n; ++a) {
            SATLM_ASSERT("satlm/accelerator", pmem.debug_read(std::uint64_t{a} * pmem.word_bytes(), word.data(),
                                                               pmem.word_bytes()),
                         "pmem model offers no debug transport");
            for (unsigned c = 0; c < cols; ++c) r.pmem_psums.push_back(pmem.lane(word.data(), c));
        }
        const auto& log = pmem.read_log();
        const std::size_t want = std::size_t{cfg.layer.out_positions()} * k2;
        r.acc_reads.assign(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(std::min(want, log.size())));
    }
    return r;
}

}  // namespace satlm
