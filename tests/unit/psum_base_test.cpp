// pmem.psum_base: the pmem word of the first psum. The model stores psum(kij, nij) at
// base + kij x N + nij and its SFU reads them there; base 0 is the measured RTL (every address
// and cycle count as before), and a base changes addresses only, never cycles or values.
#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include "dataflow/ws/cycle_engine.h"
#include "dataflow/ws/schedule.h"
#include "dataflow/ws/tiling.h"
#include "testbench/golden.h"
#include "tlm/report.h"

#include <algorithm>
#include <random>
#include <string>

using namespace satlm;

namespace {

layer_data seeded_layer(unsigned in_ch, unsigned out_ch, unsigned padded, unsigned seed) {
    layer_keys L;
    L.in_channels = in_ch;
    L.out_channels = out_ch;
    L.padded_height = L.padded_width = padded;
    std::mt19937 rng(seed);
    return satlm::test::random_layer(L, rng);
}

run_result run(accel_config cfg, const layer_data& d, unsigned base) {
    cfg.layer = d.shape;
    cfg.arch.pmem.psum_base = base;
    return run_cycle_engine(cfg, d, plan_tiling(cfg));
}

/// The SFU's pmem reads of the reference flow: base + kij x N + (orow + ki) x width + ocol + kj.
std::vector<std::uint32_t> rule(const layer_keys& L, unsigned base) {
    std::vector<std::uint32_t> a;
    for (unsigned orow = 0; orow < L.out_height(); ++orow)
        for (unsigned ocol = 0; ocol < L.out_width(); ++ocol)
            for (unsigned kij = 0; kij < L.kernel_positions(); ++kij)
                a.push_back(base + kij * L.positions() + (orow + kij / L.kernel_w) * L.padded_width + ocol + kij % L.kernel_w);
    return a;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(psum_base)

BOOST_AUTO_TEST_CASE(the_sfu_reads_the_psums_from_the_base_with_the_same_cycles) {
    const layer_data d = seeded_layer(8, 8, 6, 11);
    const auto r0 = run(accel_config{}, d, 0);
    BOOST_TEST(r0.stats.cycles.total() == 1936u);  // the measured RTL, unchanged by the key
    BOOST_TEST(r0.acc_reads == rule(d.shape, 0));
    for (unsigned base : {1u, 5u, 1700u}) {
        const auto r = run(accel_config{}, d, base);
        BOOST_TEST(r.stats.cycles.total() == r0.stats.cycles.total(), "base " << base);
        BOOST_TEST(r.stats.pmem.reads == r0.stats.pmem.reads);
        BOOST_TEST(r.stats.pmem.writes == r0.stats.pmem.writes);
        BOOST_TEST(r.output.values == golden_output(d, true).values, "base " << base);
        BOOST_TEST(r.acc_reads == rule(d.shape, base), "base " << base);
        BOOST_TEST(r.pmem_psums == r0.pmem_psums, "base " << base);  // the same psums, moved up
    }
}

BOOST_AUTO_TEST_CASE(every_schedule_and_tiling_gives_the_golden_outputs_with_a_base) {
    // Input tiles (partial outputs at the top of pmem), output tiles, row bands, overlapped.
    struct geometry {
        unsigned in_ch, out_ch, padded;
    };
    for (const auto& g : {geometry{8, 8, 6}, geometry{20, 12, 7}, geometry{8, 8, 18}}) {
        const layer_data d = seeded_layer(g.in_ch, g.out_ch, g.padded, g.padded);
        for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
            accel_config cfg;
            cfg.arch.schedule = kind;
            const auto r0 = run(cfg, d, 0);
            const auto r = run(cfg, d, 100);
            BOOST_TEST(r.output.values == golden_output(d, true).values, g.in_ch << "x" << g.padded);
            BOOST_TEST(r.sums.values == golden_output(d, false).values);
            // A base can only shrink the bands; with the same plan the cycles are the same.
            cfg.layer = d.shape;
            cfg.arch.pmem.psum_base = 100;
            const tiling_plan same = plan_tiling(cfg);
            if (same.bands.size() == r0.plan.bands.size() && same.kernel_groups.size() == r0.plan.kernel_groups.size())
                BOOST_TEST(r.stats.cycles.total() == r0.stats.cycles.total());
        }
    }
}

BOOST_AUTO_TEST_CASE(bands_keep_the_psums_between_the_base_and_the_partial_outputs) {
    accel_config cfg;
    cfg.layer.padded_height = cfg.layer.padded_width = 10;  // 9 x 100 psums fit 2048 words whole
    BOOST_TEST(plan_tiling(cfg).bands.size() == 1u);
    cfg.arch.pmem.psum_base = 1200;  // 848 words left: bands of at most 94 positions, or kernel groups
    const tiling_plan p = plan_tiling(cfg);
    BOOST_TEST(p.bands.size() * p.kernel_groups.size() > 1u);
    BOOST_TEST(p.psum_base == 1200u);
    unsigned group = 0;
    for (const auto& g : p.kernel_groups) group = std::max(group, g.count);
    const unsigned partial = p.contributions() > 1 ? p.bands[0].out_positions() : 0u;
    for (const auto& b : p.bands)
        BOOST_TEST(p.psum_base + group * p.band_positions(b, cfg.layer) + 1 + partial <= cfg.arch.pmem.words);
    cfg.arch.pmem.psum_base = 2047;  // not even one output pixel fits
    std::string m;
    try {
        plan_tiling(cfg);
    } catch (const config_error& e) {
        m = e.what();
    }
    BOOST_TEST(m.find("impossible geometry: pmem needs") != std::string::npos, m);
    BOOST_TEST(m.find("pmem.psum_base 2047") != std::string::npos, m);
}

BOOST_AUTO_TEST_SUITE_END()
