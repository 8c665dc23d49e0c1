// The SystemC top of the cycle model: same outputs and cycles as the engine, time = cycles.
// ctest-cases: cycle_model/systemc_matches_engine cycle_model/vcd_is_written
#include <boost/test/unit_test.hpp>

#include "dataflow/ws/cycle_engine.h"
#include "testbench/cycle_top.h"
#include "testbench/golden.h"

#include <systemc>

#include <cstdio>
#include <fstream>
#include <random>

using namespace satlm;

namespace {
layer_data random_layer(const layer_keys& s) {
    std::mt19937 rng(7);
    layer_data d(s);
    for (auto& v : d.act) v = static_cast<std::uint8_t>(rng() % 16);
    for (auto& v : d.weight) v = static_cast<std::int8_t>(static_cast<int>(rng() % 16) - 8);
    return d;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(cycle_model)

BOOST_AUTO_TEST_CASE(systemc_matches_engine) {
    accel_config cfg;
    const auto d = random_layer(cfg.layer);
    const auto plan = plan_tiling(cfg);
    const auto e = run_cycle_engine(cfg, d, plan);
    const auto s = run_cycle_systemc(cfg, d, plan, "");
    BOOST_TEST(s.stats.cycles.total() == 1936u);
    BOOST_TEST(s.stats.cycles.total() == e.stats.cycles.total());
    BOOST_TEST(s.output.values == golden_output(d, true).values);
    BOOST_TEST(sc_core::sc_time_stamp() == sc_core::sc_time(1936, sc_core::SC_NS));
}

BOOST_AUTO_TEST_CASE(vcd_is_written) {
    accel_config cfg;
    const auto d = random_layer(cfg.layer);
    const std::string path = "cycle_model_test_vcd";
    const auto s = run_cycle_systemc(cfg, d, plan_tiling(cfg), path);
    BOOST_TEST(s.output.values == golden_output(d, true).values);
    std::ifstream f(path + ".vcd");
    BOOST_TEST(f.good());
    std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    BOOST_TEST(all.find("inst_execute") != std::string::npos);
    BOOST_TEST(all.find("o_valid") != std::string::npos);
    std::remove((path + ".vcd").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
