// The cycle engine end to end: outputs against the golden model, cycle totals against the
// schedule, measured latencies, on many geometries and both schedules.
#include "dataflow/ws/cycle_engine.h"
#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include "testbench/golden.h"
#include "engine/engine.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"

#include <random>

using namespace satlm;
using satlm::test::random_layer;

namespace {

run_result run(accel_config cfg, const layer_data& d) {
    cfg.layer = d.shape;
    return run_cycle_engine(cfg, d, plan_tiling(cfg));
}

void check_outputs(const run_result& r, const layer_data& d, const std::string& what) {
    const auto g = golden_output(d, true);
    const auto s = golden_output(d, false);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < g.values.size(); ++i) {
        bad += r.output.values[i] != g.values[i];
        bad += r.sums.values[i] != s.values[i];
    }
    BOOST_TEST(bad == 0u, what << ": " << bad << " mismatches");
}

}  // namespace

BOOST_AUTO_TEST_SUITE(accel_core_suite)

BOOST_AUTO_TEST_CASE(reference_6x6_is_1936_with_measured_latencies) {
    std::mt19937 rng(1);
    accel_config cfg;
    const auto d = random_layer(cfg.layer, rng);
    const auto r = run(cfg, d);
    BOOST_TEST(r.stats.cycles.total() == 1936u);
    BOOST_TEST(r.stats.first_psum_col0.value_or(0) == 8u);
    BOOST_TEST(r.stats.first_psum_last_col.value_or(0) == 15u);
    BOOST_TEST(r.stats.l0_high_water == 36u);
    BOOST_TEST(r.stats.ofifo_high_water == 36u);
    check_outputs(r, d, "6x6 reference");
}

BOOST_AUTO_TEST_CASE(overlapped_6x6_is_fast_and_exact) {
    std::mt19937 rng(2);
    accel_config cfg;
    cfg.arch.schedule = schedule_kind::overlapped;
    const auto d = random_layer(cfg.layer, rng);
    const auto r = run(cfg, d);
    BOOST_TEST(r.stats.cycles.total() < 1139u);
    BOOST_TEST_MESSAGE("overlapped 6x6 total " << r.stats.cycles.total());
    BOOST_TEST(r.stats.first_psum_col0.value_or(0) == 8u);
    BOOST_TEST(r.stats.first_psum_last_col.value_or(0) == 15u);
    check_outputs(r, d, "6x6 overlapped");
}

BOOST_AUTO_TEST_CASE(random_geometries_both_schedules) {
    std::mt19937 rng(3);
    unsigned ran = 0, waited = 0;
    for (int n = 0; n < 48; ++n) {
        accel_config cfg;
        layer_keys& L = cfg.layer;
        L.act_bits = rng() % 3 == 0 ? 2 : 4;
        L.in_channels = 1 + rng() % 40;
        L.out_channels = 1 + rng() % 40;
        L.kernel_h = L.kernel_w = rng() % 4 == 0 ? 1 : 3;
        L.padded_height = L.kernel_h + rng() % 12;
        L.padded_width = L.kernel_w + rng() % 12;
        const unsigned sizes[] = {4, 8, 16, 32, 64};
        cfg.arch.rows = sizes[rng() % 5];
        cfg.arch.cols = sizes[rng() % 4];
        cfg.arch.ofifo_depth = 8 + rng() % 64;
        // Down to the least depth the configuration allows (one weight per column): with many
        // rows, row R-1 still holds weights when the first chunk arrives.
        const unsigned least = cfg.arch.cols * L.channels_per_lane();
        cfg.arch.l0_depth = least + (rng() % 2 ? rng() % 4 : rng() % 64);
        cfg.arch.offchip_bytes_per_cycle = 1 + rng() % 8;
        cfg.arch.xmem.read_latency = 1 + rng() % 2;
        cfg.arch.pmem.read_latency = 1 + rng() % 2;
        cfg.arch.sfu_latency = 1 + rng() % 2;
        if (rng() % 3 == 0) cfg.arch.pmem.words = 512;
        const auto d = random_layer(L, rng);
        for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
            cfg.arch.schedule = kind;
            tiling_plan plan;
            try {
                cfg.validate();
                plan = plan_tiling(cfg);
                (void)build_schedule(cfg, plan);  // "overlapped" needs l0.depth >= array.rows
            } catch (const config_error&) {
                continue;
            }
            const auto r = run_cycle_engine(cfg, d, plan);
            ++ran;
            // Runs where the reference flow waits for row R-1's weights before a first chunk.
            if (kind == schedule_kind::reference)
                for (const auto& b : plan.bands)
                    if (reference_weight_hold(cfg, std::min(plan.chunk, plan.band_positions(b, L)))) {
                        ++waited;
                        break;
                    }
            check_outputs(r, d, "case " + std::to_string(n) + (kind == schedule_kind::reference ? " ref" : " ovl"));
        }
    }
    BOOST_TEST_MESSAGE(ran << " runs, " << waited << " waited for L0");
    BOOST_TEST(ran >= 60u);
    BOOST_TEST(waited >= 5u);
}

BOOST_AUTO_TEST_CASE(many_rows_over_a_shallow_l0_stall_instead_of_overflowing) {
    // Row R-1 pops the kernel's C weights R + 1 edges after the load reads them, so with many
    // rows it still holds some when the first chunk of activations arrives. The reference flow
    // then waits longer (stall) instead of overflowing the row; both fidelities match the golden.
    struct geometry {
        unsigned rows, depth, ic, hw;
    };
    for (const auto& g : {geometry{24, 8, 24, 6}, geometry{32, 16, 40, 7}, geometry{64, 40, 64, 6},
                          geometry{30, 16, 30, 6}, geometry{33, 16, 20, 4}}) {
        accel_config cfg;
        cfg.arch.rows = g.rows;
        cfg.arch.l0_depth = g.depth;
        cfg.layer.in_channels = g.ic;
        cfg.layer.out_channels = 11;  // two output tiles on 8 columns
        cfg.layer.padded_height = cfg.layer.padded_width = g.hw;
        cfg.validate();
        const std::string what = "rows " + std::to_string(g.rows) + " l0.depth " + std::to_string(g.depth);
        const auto d = random_layer(cfg.layer, g.rows);
        const auto ref = golden_output(d, true);
        run_result out[2];
        for (auto f : {fidelity::cycle, fidelity::lt}) {
            cfg.arch.model = f;
            out[f == fidelity::lt] = run_layer(cfg, d);
        }
        for (const auto& r : out) {
            BOOST_TEST((r.output.values == ref.values), what);
            // The wait is the least that fits: row R-1 then fills exactly to the depth.
            BOOST_TEST(r.stats.l0_high_water == g.depth, what);
        }
        BOOST_TEST(out[0].stats.cycles.total() == out[1].stats.cycles.total(), what);
        BOOST_TEST(out[0].stats.cycles.stall == out[1].stats.cycles.stall, what);
        // 9 kij per pass, each waiting R - xmem.read_latency - depth - 12 cycles more.
        const auto plan = plan_tiling(cfg);
        const std::uint64_t hold = g.rows - 1 - g.depth - ref_weight_gap;
        BOOST_TEST(reference_weight_hold(cfg, std::min(plan.chunk, plan.band_positions(plan.bands[0], cfg.layer))) ==
                       hold, what);
        auto deep = cfg;
        deep.arch.l0_depth = g.rows + 64;
        deep.arch.ofifo_depth = g.depth;  // the same chunks, no wait
        BOOST_TEST(plan_tiling(deep).chunk == plan.chunk, what);
        const std::uint64_t passes = plan.out_tiles * plan.in_tiles * plan.bands.size();
        BOOST_TEST(out[0].stats.cycles.total() - run_layer(deep, d).stats.cycles.total() ==
                       passes * 9 * hold, what);
    }
}

BOOST_AUTO_TEST_SUITE_END()
