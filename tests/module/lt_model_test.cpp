// ctest-cases: lt_model_systemc/matches_the_engine_and_annotates_every_cycle
#include "testbench/lt_model.h"

#include "support/sc_fixture.h"
#include "testbench/golden.h"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace satlm;

BOOST_FIXTURE_TEST_SUITE(lt_model_systemc, test::sc_fixture)

BOOST_AUTO_TEST_CASE(matches_the_engine_and_annotates_every_cycle) {
    accel_config cfg;
    cfg.arch.model = fidelity::lt;
    cfg.layer.in_channels = 21;
    cfg.layer.out_channels = 11;
    cfg.layer.padded_height = 20;
    cfg.layer.padded_width = 19;
    layer_data d(cfg.layer);
    std::mt19937 rng(5);
    for (auto& a : d.act) a = static_cast<std::uint8_t>(rng() % 16);
    for (auto& w : d.weight) w = static_cast<std::int8_t>(int(rng() % 16) - 8);
    const auto plan = plan_tiling(cfg);
    BOOST_TEST(plan.split_rows());
    const auto engine = run_lt_engine(cfg, d, plan);
    const auto r = run_lt_systemc(cfg, d, plan);
    BOOST_TEST(r.output.values == golden_output(d, true).values);
    BOOST_TEST(r.output.values == engine.output.values);
    BOOST_TEST(r.stats.cycles.total() == engine.stats.cycles.total());
    // Time only advances by the annotated delays: the end time is the cycle count.
    BOOST_TEST(sc_core::sc_time_stamp() ==
               sc_core::sc_time(double(r.stats.cycles.total()), sc_core::SC_NS));
    BOOST_TEST(r.stats.simulated_seconds == double(r.stats.cycles.total()) * 1e-9,
               boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_SUITE_END()
