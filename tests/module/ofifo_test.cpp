// ofifo (pe/ofifo.h): the SystemC shell of the output FIFO elaborates, shows `o_valid`
// following the core after sample(), and add_traces() puts it in a VCD.
// ctest-cases: ofifo/o_valid_follows_the_core ofifo/add_traces_writes_o_valid
#include "pe/ofifo.h"

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

struct bench : sc_core::sc_module {
    ofifo_core core{3, 4};
    ofifo shell{"ofifo", core};
    std::vector<bool> seen;

    SC_HAS_PROCESS(bench);
    explicit bench(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }

    void run() {
        // Columns start pushing one edge apart (the array's column skew); then one read.
        const std::uint8_t v[4][3] = {{1, 0, 0}, {1, 1, 0}, {1, 1, 1}, {0, 0, 0}};
        const std::int32_t d[3] = {-1, 2, 3};
        for (int edge = 0; edge < 7; ++edge) {
            const auto& valid = v[edge < 4 ? edge : 3];
            core.clock(valid, d, valid[0] || valid[1] || valid[2], edge == 3);
            shell.sample();
            wait(1, sc_core::SC_NS);
            BOOST_TEST_REQUIRE(shell.o_valid.read() == core.o_valid(), "edge " << edge);
            seen.push_back(shell.o_valid.read());
        }
        sc_core::sc_stop();
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(ofifo, test::sc_fixture)

BOOST_AUTO_TEST_CASE(o_valid_follows_the_core) {
    bench b("top");
    BOOST_TEST(std::string(b.shell.o_valid.name()) == "top.ofifo.o_valid");
    sc_core::sc_start();
    // Low until the last column holds data (edge 2); the pop at edge 4 empties column 2.
    BOOST_TEST(b.seen == (std::vector<bool>{false, false, true, true, false, false, false}));
}

BOOST_AUTO_TEST_CASE(add_traces_writes_o_valid) {
    bench b("top");
    const std::string path = "ofifo_test_trace";
    sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(path.c_str());
    b.shell.add_traces(tf);
    sc_core::sc_start();
    sc_core::sc_close_vcd_trace_file(tf);
    const std::string vcd = slurp(path + ".vcd");
    BOOST_TEST(vcd.find("o_valid") != std::string::npos);
    BOOST_TEST(vcd.find("ofifo") != std::string::npos);
    BOOST_TEST(vcd.find("#2000") != std::string::npos);  // o_valid rises at 2 ns
    std::remove((path + ".vcd").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
