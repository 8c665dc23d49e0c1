// l0_fifo (pe/l0_fifo.h): the SystemC shell of the L0 buffer elaborates, shows one `head_<r>`
// signal per row that follows the core after sample(), and add_traces() puts them in a VCD.
// ctest-cases: l0_fifo/heads_follow_the_core l0_fifo/add_traces_writes_the_heads
#include "pe/l0_fifo.h"

#include "support/sc_fixture.h"

#include <systemc>

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

using namespace satlm;

namespace {

/// Core + shell + a thread that clocks the core and samples the shell once per ns.
struct bench : sc_core::sc_module {
    l0_fifo_core core{4, 8};
    l0_fifo l0{"l0", core};
    bool checked = false;

    SC_HAS_PROCESS(bench);
    explicit bench(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }

    void run() {
        const std::uint8_t w0[2] = {0x21, 0x43}, w1[2] = {0x65, 0x87};
        core.clock(true, w0, false);
        core.clock(true, w1, true);  // l0_rd: row r pops r + 1 edges later
        for (int edge = 0; edge < 6; ++edge) {
            l0.sample();
            wait(1, sc_core::SC_NS);
            for (unsigned r = 0; r < 4; ++r)
                BOOST_TEST_REQUIRE(l0.head[r].read() == core.head(r), "edge " << edge << " row " << r);
            core.clock(false, nullptr, false);
        }
        // Every row popped once: the heads are the second word's lanes 5..8.
        l0.sample();
        wait(1, sc_core::SC_NS);
        for (unsigned r = 0; r < 4; ++r) BOOST_TEST(l0.head[r].read() == 5 + r);
        checked = true;
        sc_core::sc_stop();
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(l0_fifo, test::sc_fixture)

BOOST_AUTO_TEST_CASE(heads_follow_the_core) {
    bench b("top");
    BOOST_TEST(std::string(b.l0.name()) == "top.l0");
    BOOST_TEST_REQUIRE(b.l0.head.size() == 4u);
    for (unsigned r = 0; r < 4; ++r)
        BOOST_TEST(std::string(b.l0.head[r].name()) == "top.l0.head_" + std::to_string(r));
    sc_core::sc_start();
    BOOST_TEST(b.checked);
}

BOOST_AUTO_TEST_CASE(add_traces_writes_the_heads) {
    bench b("top");
    const std::string path = "l0_fifo_test_trace";
    sc_core::sc_trace_file* tf = sc_core::sc_create_vcd_trace_file(path.c_str());
    b.l0.add_traces(tf);
    sc_core::sc_start();
    sc_core::sc_close_vcd_trace_file(tf);
    const std::string vcd = slurp(path + ".vcd");
    BOOST_TEST(!vcd.empty());
    for (unsigned r = 0; r < 4; ++r) BOOST_TEST(vcd.find("head_" + std::to_string(r)) != std::string::npos, "head_" << r);
    BOOST_TEST(vcd.find("l0") != std::string::npos);
    BOOST_TEST(vcd.find("#1000") != std::string::npos);  // value changes over time (ps units)
    std::remove((path + ".vcd").c_str());
}

BOOST_AUTO_TEST_SUITE_END()
