#include "dataflow/ws/cycle_engine.h"

#include "dataflow/ws/lt_core.h"
#include "dataflow/ws/sequencer.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"

#include <algorithm>

namespace satlm {

/// Stats of a finished run: schedule buckets (asserted equal to the stepped cycles); everything
/// else measured on the cores: SRAM traffic and the busiest edge's accesses from the macros'
/// counters, FIFO high water from the FIFOs, latencies from core events.
run_stats collect_stats(const accel_config& cfg, const layer_data& layer, const step_totals& steps,
                        const accel_core& core) {
    run_stats st;
    st.cycles = steps.cycles;
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
    st.chunks = steps.chunks;
    st.passes = steps.passes;
    st.simulated_seconds = double(core.cycle()) * cfg.arch.clock_period_ns * 1e-9;
    return st;
}

run_stats collect_stats(const accel_config& cfg, const layer_data& layer,
                        const std::vector<schedule_step>& steps, const accel_core& core) {
    step_totals totals;
    for (const auto& s : steps) totals.add(s);
    return collect_stats(cfg, layer, totals, core);
}

/// Runs whose pmem holds every psum of the layer in the files' layout when they finish.
bool memories_comparable(const accel_config& cfg, const tiling_plan& plan) {
    return cfg.arch.schedule == schedule_kind::reference && plan.in_tiles == 1 && plan.out_tiles == 1 &&
           plan.bands.size() == 1 && plan.kernel_groups.size() == 1 &&
           plan.bands[0].positions() == cfg.layer.positions();
}

/// After the run: the psums pmem holds and the addresses the SFU read (see run_result).
void capture_memories(const accel_config& cfg, const tiling_plan& plan, const accel_core& core, run_result& r) {
    if (!memories_comparable(cfg, plan)) return;
    const unsigned n = cfg.layer.positions(), k2 = cfg.layer.kernel_positions(), cols = cfg.arch.cols;
    r.pmem_psums.reserve(std::size_t{k2} * n * cols);
    for (unsigned a = plan.psum_base; a < plan.psum_base + k2 * n; ++a)
        for (unsigned c = 0; c < cols; ++c) r.pmem_psums.push_back(core.pmem_lane(core.pmem().word(a), c));
    // The SFU's reads for the pixels; the tb's check iteration after them repeats the last address.
    const auto& log = core.pmem_read_log();
    const std::size_t want = std::size_t{cfg.layer.out_positions()} * k2;
    r.acc_reads.assign(log.begin(), log.begin() + static_cast<std::ptrdiff_t>(std::min(want, log.size())));
}

run_result run_cycle_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan) {
    accel_config c = cfg;
    c.layer = layer.shape;
    const lt_program program(c, plan);
    accel_core core(c);
    core.log_pmem_reads(memories_comparable(c, plan));
    sequencer seq(c, layer, plan);
    step_totals totals;
    program.for_each_step([&](const schedule_step& s) {
        seq.run_step(s, core);
        totals.add(s);
    });
    run_result r;
    r.output = seq.output();
    r.sums = seq.sums();
    r.plan = plan;
    r.stats = collect_stats(c, layer, totals, core);
    capture_memories(c, plan, core, r);
    return r;
}

}  // namespace satlm
