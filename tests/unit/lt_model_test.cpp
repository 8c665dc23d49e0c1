#include "dataflow/ws/lt_core.h"

#include "testbench/golden.h"
#include "engine/engine.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"

#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace satlm;
using satlm::test::random_layer;

namespace {

accel_config lt_cfg() {
    accel_config c;
    c.arch.model = fidelity::lt;
    return c;
}

/// Values that differ from the golden output (0 when they agree).
std::size_t mismatches(const layer_output& got, const layer_output& ref) {
    if (got.values.size() != ref.values.size()) return ref.values.size() + 1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < ref.values.size(); ++i) n += got.values[i] != ref.values[i];
    return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(lt_model)

BOOST_AUTO_TEST_CASE(reference_6x6_layer_takes_1936_cycles) {
    auto cfg = lt_cfg();
    std::mt19937 rng(1);
    const auto layer = random_layer(cfg.layer, rng);
    const auto r = run_layer(cfg, layer);
    BOOST_TEST(r.stats.cycles.total() == 1936u);  // docs/rtl-reference.md section 2.4
    BOOST_TEST(mismatches(r.output, golden_output(layer, true)) == 0u);
    BOOST_TEST(r.stats.passes == 9u);
    BOOST_TEST(r.stats.chunks == 9u);
    BOOST_TEST(r.stats.macs == 8u * 8 * 9 * 16);
    BOOST_TEST(*r.stats.first_psum_col0 == 8u);
    BOOST_TEST(*r.stats.first_psum_last_col == 15u);
    BOOST_TEST(r.stats.xmem.writes == 36u + 9 * 8);   // activations + weights
    BOOST_TEST(r.stats.xmem.reads == 9u * (1 + 8 + 1 + 36));
    BOOST_TEST(r.stats.pmem.writes == 9u * 37);
    BOOST_TEST(r.stats.pmem.reads == 16u * 9);
    BOOST_TEST(r.stats.xmem.word_bytes == 4u);
    BOOST_TEST(r.stats.pmem.word_bytes == 16u);
    BOOST_TEST(r.stats.l0_high_water == 36u);
    BOOST_TEST(r.stats.ofifo_high_water == 36u);
    BOOST_TEST(r.stats.simulated_seconds == 1936e-9, boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(cycles_and_traffic_are_the_schedules) {
    std::mt19937 rng(7);
    for (int t = 0; t < 20; ++t) {
        auto cfg = lt_cfg();
        cfg.arch.schedule = t % 2 ? schedule_kind::overlapped : schedule_kind::reference;
        cfg.layer.in_channels = 1 + rng() % 24;
        cfg.layer.out_channels = 1 + rng() % 24;
        cfg.layer.padded_height = 3 + rng() % 12;
        cfg.layer.padded_width = 3 + rng() % 12;
        cfg.arch.rows = 4 + rng() % 8;
        cfg.arch.cols = 4 + rng() % 8;
        const auto layer = random_layer(cfg.layer, rng);
        const auto plan = plan_tiling(cfg);
        const auto steps = build_schedule(cfg, plan);
        const auto r = run_lt_engine(cfg, layer, plan);
        const auto expect = total_cycles(steps);
        BOOST_TEST(r.stats.cycles.total() == expect.total());
        BOOST_TEST(r.stats.cycles.execute == expect.execute);
        BOOST_TEST(r.stats.cycles.stall == expect.stall);
        std::uint64_t xr = 0, xw = 0, pr = 0, pw = 0;
        for (const auto& s : steps) {
            xr += s.xmem_reads;
            xw += s.xmem_writes;
            pr += s.pmem_reads;
            pw += s.pmem_writes;
        }
        BOOST_TEST(r.stats.xmem.reads == xr);
        BOOST_TEST(r.stats.xmem.writes == xw);
        BOOST_TEST(r.stats.pmem.reads == pr);
        BOOST_TEST(r.stats.pmem.writes == pw);
        BOOST_TEST(r.stats.passes ==
                   std::uint64_t{plan.out_tiles} * plan.in_tiles * plan.bands.size() * 9);
        BOOST_TEST(mismatches(r.output, golden_output(layer, true)) == 0u, "trial " << t);
    }
}

BOOST_AUTO_TEST_CASE(matches_the_golden_on_tiled_banded_and_2_bit_layers) {
    std::mt19937 rng(2024);
    int ran = 0, banded = 0, tiled = 0;
    for (int t = 0; t < 150; ++t) {
        auto cfg = lt_cfg();
        auto& L = cfg.layer;
        L.act_bits = t % 3 == 0 ? 2 : 4;
        L.weight_bits = 2 + rng() % 3;
        const unsigned psum_bits[] = {16, 16, 12, 24, 32, 9};
        L.psum_bits = psum_bits[t % 6];
        L.in_channels = 1 + rng() % 40;
        L.out_channels = 1 + rng() % 40;
        L.kernel_h = L.kernel_w = t % 5 == 0 ? 1 : (t % 7 == 0 ? 5 : 3);
        L.padded_height = L.kernel_h + rng() % 18;
        L.padded_width = L.kernel_w + rng() % 18;
        cfg.arch.rows = 4 + rng() % 29;
        cfg.arch.cols = 4 + rng() % 29;
        cfg.arch.schedule = rng() % 2 ? schedule_kind::overlapped : schedule_kind::reference;
        if (t % 4 == 1) {  // small SRAMs and FIFOs: bands and chunks
            cfg.arch.pmem.words = 700 + rng() % 800;
            cfg.arch.xmem.words = 512;
            cfg.arch.l0_depth = std::max(2 * cfg.arch.cols, cfg.arch.rows) + rng() % 8;
            cfg.arch.ofifo_depth = 4 + rng() % 30;
        }
        if (t % 6 == 2) cfg.arch.offchip_bytes_per_cycle = 1;
        const auto layer = random_layer(L, rng);
        tiling_plan plan;
        try {
            plan = plan_tiling(cfg);
        } catch (const config_error&) {
            continue;  // an impossible geometry for these small SRAMs
        }
        const auto r = run_lt_engine(cfg, layer, plan);
        BOOST_TEST(mismatches(r.output, golden_output(layer, true)) == 0u,
                   "seed 2024 trial " << t << ": " << plan.describe(L));
        ++ran;
        banded += plan.split_rows();
        tiled += plan.in_tiles > 1;
    }
    BOOST_TEST(ran >= 120);
    BOOST_TEST(banded >= 10);
    BOOST_TEST(tiled >= 30);
}

BOOST_AUTO_TEST_CASE(wraps_and_relus_like_the_hardware) {
    // Large positive and negative sums across 3 input tiles: 8-bit psums wrap many times.
    auto cfg = lt_cfg();
    cfg.layer.in_channels = 20;
    cfg.layer.out_channels = 3;
    cfg.layer.psum_bits = 8;
    layer_data d(cfg.layer);
    for (auto& a : d.act) a = 15;
    for (std::size_t i = 0; i < d.weight.size(); ++i) d.weight[i] = i % 3 == 0 ? 7 : -8;
    const auto r = run_layer(cfg, d);
    BOOST_TEST(r.plan.in_tiles == 3u);
    BOOST_TEST(mismatches(r.output, golden_output(d, true)) == 0u);
    for (auto v : r.output.values) {
        BOOST_TEST(v >= 0);
        BOOST_TEST(v < 128);
    }
}

BOOST_AUTO_TEST_CASE(rejects_a_run_that_skips_a_pass) {
    auto cfg = lt_cfg();
    layer_data d(cfg.layer);
    const auto plan = plan_tiling(cfg);
    const lt_program prog(cfg, plan);
    lt_core core(cfg, d, plan);
    auto run = [&] {
        prog.for_each_job([&](const lt_job& j, const lt_group& g) {
            const bool kij4 = j.pass_count > 0 && prog.pass_steps()[j.first_pass]->kij == 4;
            if (!kij4) core.execute(prog, j, g);
        });
        core.finish();
    };
    BOOST_CHECK_THROW(run(), std::logic_error);
}

BOOST_AUTO_TEST_CASE(one_job_per_pass) {
    auto cfg = lt_cfg();
    cfg.layer.padded_height = 18;
    cfg.layer.padded_width = 18;  // 2 bands, 3 chunks per pass
    const auto plan = plan_tiling(cfg);
    const lt_program prog(cfg, plan);
    std::size_t jobs = 0, pass_jobs = 0;
    prog.for_each_job([&](const lt_job& j, const lt_group&) {
        for (std::size_t i = j.first_step; i < j.first_step + j.step_count; ++i)
            BOOST_TEST(prog.steps()[i].kij == prog.steps()[j.first_step].kij);
        pass_jobs += j.pass_count > 0;
        BOOST_TEST(j.pass_count == (j.pass_count ? 3u : 0u));  // the pass's 3 chunks
        ++jobs;
    });
    BOOST_TEST(pass_jobs == 2u * 9);
    BOOST_TEST(jobs <= 2u * (9 + 2) + 1);
    BOOST_TEST(jobs == prog.job_count());
}

BOOST_AUTO_TEST_CASE(replayed_groups_equal_the_full_schedule) {
    // Many output and input tiles: the program replays a 2 x 3 tile schedule; every statistic
    // must equal the full schedule's sums, in both schedule kinds.
    std::mt19937 rng(99);
    int replayed = 0;
    for (int t = 0; t < 24; ++t) {
        auto cfg = lt_cfg();
        cfg.arch.schedule = t % 2 ? schedule_kind::overlapped : schedule_kind::reference;
        cfg.layer.act_bits = t % 3 == 2 ? 2 : 4;
        cfg.layer.in_channels = 10 + rng() % 60;
        cfg.layer.out_channels = 10 + rng() % 40;
        cfg.layer.padded_height = 3 + rng() % 20;
        cfg.layer.padded_width = 3 + rng() % 20;
        cfg.arch.rows = 4 + rng() % 4;
        cfg.arch.cols = 4 + rng() % 4;
        if (t % 4 == 3) cfg.arch.pmem.words = 900;
        const auto plan = plan_tiling(cfg);
        const auto steps = build_schedule(cfg, plan);
        const lt_program prog(cfg, plan);
        replayed += !prog.full();
        const auto layer = random_layer(cfg.layer, rng);
        const auto r = run_lt_engine(cfg, layer, plan);
        const auto expect = total_cycles(steps);
        BOOST_TEST(r.stats.cycles.total() == expect.total());
        BOOST_TEST(r.stats.cycles.idle == expect.idle);
        BOOST_TEST(r.stats.cycles.accumulate == expect.accumulate);
        BOOST_TEST(r.stats.cycles.load_data == expect.load_data);
        BOOST_TEST(r.stats.cycles.drain == expect.drain);
        std::uint64_t xr = 0, xw = 0, pr = 0, pw = 0, chunks = 0;
        for (const auto& s : steps) {
            xr += s.xmem_reads;
            xw += s.xmem_writes;
            pr += s.pmem_reads;
            pw += s.pmem_writes;
            chunks += s.kind == step_kind::execute || s.kind == step_kind::stream;
        }
        BOOST_TEST(r.stats.xmem.reads == xr);
        BOOST_TEST(r.stats.xmem.writes == xw);
        BOOST_TEST(r.stats.pmem.reads == pr);
        BOOST_TEST(r.stats.pmem.writes == pw);
        BOOST_TEST(r.stats.chunks == chunks);
        BOOST_TEST(mismatches(r.output, golden_output(layer, true)) == 0u, "trial " << t);
    }
    BOOST_TEST(replayed >= 20);
}

BOOST_AUTO_TEST_CASE(replayed_band_shapes_and_kernel_groups_equal_the_full_schedule) {
    // Bands in rows and columns and kernel groups: the program replays one band per shape and
    // one kernel group per kind (reference) or per group (overlapped), with the kernel positions
    // moved to each group's; every statistic equals the full schedule's, outputs the golden's.
    std::mt19937 rng(7);
    int replayed = 0, grouped = 0, columns = 0;
    for (int t = 0; t < 24; ++t) {
        auto cfg = lt_cfg();
        cfg.arch.schedule = t % 2 ? schedule_kind::overlapped : schedule_kind::reference;
        cfg.layer.in_channels = 1 + rng() % 20;
        cfg.layer.out_channels = 1 + rng() % 20;
        cfg.layer.kernel_h = 1 + rng() % 5;
        cfg.layer.kernel_w = 1 + rng() % 5;
        cfg.layer.stride = 1 + rng() % 3;
        cfg.layer.padded_height = cfg.layer.kernel_h + rng() % 16;
        cfg.layer.padded_width = cfg.layer.kernel_w + rng() % 16;
        cfg.arch.rows = 4 + rng() % 4;
        cfg.arch.cols = 4 + rng() % 4;
        const unsigned window = cfg.layer.kernel_positions();
        cfg.arch.xmem.words = 2 * std::max(cfg.arch.cols + 1, window + 1 + unsigned(rng() % 40));
        cfg.arch.pmem.words = window + 2 + unsigned(rng() % (4 * window + 10));
        const auto plan = plan_tiling(cfg);
        const auto steps = build_schedule(cfg, plan);
        const lt_program prog(cfg, plan);
        replayed += !prog.full();
        grouped += plan.split_kernel();
        columns += plan.split_cols();
        const auto layer = random_layer(cfg.layer, rng);
        const auto r = run_lt_engine(cfg, layer, plan);
        const auto expect = total_cycles(steps);
        BOOST_TEST(r.stats.cycles.total() == expect.total(), "trial " << t << ": " << plan.describe(cfg.layer));
        BOOST_TEST(r.stats.cycles.idle == expect.idle);
        BOOST_TEST(r.stats.cycles.stall == expect.stall);
        BOOST_TEST(r.stats.cycles.accumulate == expect.accumulate);
        BOOST_TEST(r.stats.cycles.drain == expect.drain);
        std::uint64_t pr = 0, pw = 0;
        for (const auto& s : steps) {
            pr += s.pmem_reads;
            pw += s.pmem_writes;
        }
        BOOST_TEST(r.stats.pmem.reads == pr);
        BOOST_TEST(r.stats.pmem.writes == pw);
        BOOST_TEST(mismatches(r.output, golden_output(layer, true)) == 0u, "trial " << t);
    }
    BOOST_TEST(replayed >= 12);
    BOOST_TEST(grouped >= 6);
    BOOST_TEST(columns >= 6);
}

BOOST_AUTO_TEST_SUITE_END()
