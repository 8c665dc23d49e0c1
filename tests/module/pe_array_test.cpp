// pe_array (pe/pe_array.h): the SystemC shell of the PE array elaborates, shows per-column
// `psum_valid_<c>` and `psum_<c>` as the RTL's wires between edges (sampled after edge t, they
// equal the core's OFIFO push at edge t + 1), and add_traces() puts them in a VCD.
// ctest-cases: pe_array/psum_signals_follow_the_core pe_array/add_traces_writes_psum_signals
#include "pe/pe_array.h"

#include "support/sc_fixture.h"

#include <systemc>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace satlm;

namespace {

/// A 1 x 2 array: load weights 3 and -2, execute activation 5; column c pushes 5 x w[c].
struct bench : sc_core::sc_module {
    pe_array_core core{1, 2, 16, false};
    pe_array array{"array", core};
    std::vector<int> shown[2];  ///< psum values while psum_valid is high

    SC_HAS_PROCESS(bench);
    explicit bench(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }

    void step(std::uint8_t west, bool load, bool execute) {
        core.clock(&west, load, execute, false);
        // The signals sampled after the previous edge announced exactly this edge's pushes.
        for (unsigned c = 0; c < 2; ++c) {
            BOOST_TEST_REQUIRE(array.psum_valid[c].read() == (core.push_valid()[c] != 0));
            if (core.push_valid()[c]) BOOST_TEST_REQUIRE(array.psum[c].read() == core.push_value()[c]);
        }
        array.sample();
        wait(1, sc_core::SC_NS);
        for (unsigned c = 0; c < 2; ++c)
            if (array.psum_valid[c].read()) shown[c].push_back(array.psum[c].read());
    }

    void run() {
        step(3, true, false);
        step(3, true, false);    // PE(0,0) latches 3
        step(0xE, false, false);  // -2 passes east
        step(0, false, false);    // PE(0,1) latches -2
        step(0, false, true);     // the core samples execute
        step(5, false, false);    // PE(0,0) executes activation 5 one edge later
        for (int i = 0; i < 6; ++i) step(0, false, false);
        sc_core::sc_stop();
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(pe_array, test::sc_fixture)

BOOST_AUTO_TEST_CASE(psum_signals_follow_the_core) {
    bench b("top");
    BOOST_TEST_REQUIRE(b.array.psum_valid.size() == 2u);
    BOOST_TEST_REQUIRE(b.array.psum.size() == 2u);
    for (unsigned c = 0; c < 2; ++c) {
        BOOST_TEST(std::string(b.array.psum_valid[c].name()) == "top.array.psum_valid_" + std::to_string(c));
        BOOST_TEST(std::string(b.array.psum[c].name()) == "top.array.psum_" + std::to_string(c));
    }
    sc_core::sc_start();
    BOOST_TEST(b.shown[0] == (std::vector<int>{15}));
    BOOST_TEST(b.shown[1] == (std::vector<int>{-10}));
}

BOOST_AUTO_TEST_CASE(add_traces_writes_psum_signals) {
    bench b("top");
    const std::string path = "pe_array_test_trace";
    sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(path.c_str());
    b.array.add_traces(tf);
    sc_core::sc_start();
    sc_core::sc_close_vcd_trace_file(tf);
    const std::string vcd = slurp(path + ".vcd");
    for (unsigned c = 0; c < 2; ++c) {
        BOOST_TEST(vcd.find("psum_valid_" + std::to_string(c)) != std::string::npos);
        BOOST_TEST(vcd.find("psum_" + std::to_string(c) + " ") != std::string::npos);
    }
    BOOST_TEST(vcd.find("b1111 ") != std::string::npos);  // psum 15 (VCD drops leading zeros)
    std::remove((path + ".vcd").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
