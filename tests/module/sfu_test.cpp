// sfu (pe/sfu.h): the SystemC shell of the SFU elaborates, shows one `acc_<c>` signal per
// column following the core's accumulators after sample(), and add_traces() puts them in a VCD.
// ctest-cases: sfu/accumulators_follow_the_core sfu/add_traces_writes_the_accumulators
#include "pe/sfu.h"

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
    sfu_core core{3, 16, 1};
    sfu shell{"sfu", core, 3};
    bool checked = false;

    SC_HAS_PROCESS(bench);
    explicit bench(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }

    void run() {
        const std::int32_t q[3] = {100, -7, 32767};
        for (int edge = 0; edge < 4; ++edge) {
            core.clock(edge == 3, edge < 3, false, q, false, false);  // three adds, then a clear
            shell.sample();
            wait(1, sc_core::SC_NS);
            for (unsigned c = 0; c < 3; ++c) BOOST_TEST_REQUIRE(shell.acc[c].read() == core.acc(c), "edge " << edge);
            if (edge == 2) {
                BOOST_TEST(shell.acc[0].read() == 300);
                BOOST_TEST(shell.acc[1].read() == -21);
                BOOST_TEST(shell.acc[2].read() == 32765);  // 3 x 32767 wrapped to 16 bits
            }
        }
        for (unsigned c = 0; c < 3; ++c) BOOST_TEST(shell.acc[c].read() == 0);
        checked = true;
        sc_core::sc_stop();
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sfu, test::sc_fixture)

BOOST_AUTO_TEST_CASE(accumulators_follow_the_core) {
    bench b("top");
    BOOST_TEST_REQUIRE(b.shell.acc.size() == 3u);
    for (unsigned c = 0; c < 3; ++c) BOOST_TEST(std::string(b.shell.acc[c].name()) == "top.sfu.acc_" + std::to_string(c));
    sc_core::sc_start();
    BOOST_TEST(b.checked);
}

BOOST_AUTO_TEST_CASE(add_traces_writes_the_accumulators) {
    bench b("top");
    const std::string path = "sfu_test_trace";
    sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(path.c_str());
    b.shell.add_traces(tf);
    sc_core::sc_start();
    sc_core::sc_close_vcd_trace_file(tf);
    const std::string vcd = slurp(path + ".vcd");
    for (unsigned c = 0; c < 3; ++c) BOOST_TEST(vcd.find("acc_" + std::to_string(c)) != std::string::npos);
    BOOST_TEST(vcd.find("sfu") != std::string::npos);
    BOOST_TEST(vcd.find("b100101100 ") != std::string::npos);  // acc 300 (VCD drops leading zeros)
    std::remove((path + ".vcd").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
