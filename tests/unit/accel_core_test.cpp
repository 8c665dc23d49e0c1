// The cycle engine end to end: outputs against the golden model, cycle totals against the
// schedule, measured latencies, on many geometries and both schedules.
#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include "testbench/cycle_model.h"
#include "testbench/golden.h"
#include "tlm/report.h"
#include "tlm/schedule.h"

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
    unsigned ran = 0;
    for (int n = 0; n < 40; ++n) {
        accel_config cfg;
        layer_keys& L = cfg.layer;
        L.act_bits = rng() % 3 == 0 ? 2 : 4;
        L.in_channels = 1 + rng() % 40;
        L.out_channels = 1 + rng() % 40;
        L.kernel = rng() % 4 == 0 ? 1 : 3;
        L.padded_height = L.kernel + rng() % 12;
        L.padded_width = L.kernel + rng() % 12;
        const unsigned sizes[] = {4, 8, 16, 32};
        cfg.arch.rows = sizes[rng() % 4];
        cfg.arch.cols = sizes[rng() % 4];
        cfg.arch.ofifo_depth = 8 + rng() % 64;
        cfg.arch.l0_depth = std::max(2 * cfg.arch.cols, cfg.arch.rows) + rng() % 64;
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
                plan = plan_tiling(cfg);
            } catch (const config_error&) {
                continue;
            }
            const auto r = run_cycle_engine(cfg, d, plan);
            ++ran;
            check_outputs(r, d, "case " + std::to_string(n) + (kind == schedule_kind::reference ? " ref" : " ovl"));
        }
    }
    BOOST_TEST(ran >= 60u);
}

BOOST_AUTO_TEST_SUITE_END()
