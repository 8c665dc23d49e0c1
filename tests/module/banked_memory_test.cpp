// The built-in "banked" memory model (sram/banked_memory.h), built through the registry and
// driven one access per cycle (or two in one cycle) through a plain initiator socket: the wait a
// busy bank adds to the annotated delay, the conflict counters, data and DMI. One process per
// case: each case elaborates its own bench.
// ctest-cases: banked_memory/consecutive_words_never_wait_when_banks_cover_the_busy_time
// ctest-cases: banked_memory/one_bank_back_to_back_waits_the_rest_of_its_busy_time
// ctest-cases: banked_memory/two_accesses_in_one_cycle_on_one_port_wait_a_whole_busy_time
// ctest-cases: banked_memory/pmem_ports_take_that_many_accesses_per_cycle
// ctest-cases: banked_memory/the_incoming_delay_is_when_the_access_arrives
// ctest-cases: banked_memory/data_is_kept_and_dmi_is_refused banked_memory/bad_geometry_is_a_config_error
#include "sram/banked_memory.h"

#include "memory_probe.h"
#include "support/sc_fixture.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <vector>

using namespace satlm;
using satlm::test::memory_bench;
using satlm::test::memory_probe;

namespace {

using bytes = std::vector<std::uint8_t>;
const sc_core::sc_time zero = sc_core::SC_ZERO_TIME;
const sc_core::sc_time cycle(10, sc_core::SC_NS);  // memory_bench's period

sram_keys banking(unsigned banks, unsigned bank_cycles, unsigned ports = 1) {
    sram_keys k;
    k.banks = banks;
    k.bank_cycles = bank_cycles;
    k.ports = ports;
    return k;
}

const banked_memory& banked_of(const memory_bench& b) { return dynamic_cast<const banked_memory&>(*b.model); }

}  // namespace

BOOST_FIXTURE_TEST_SUITE(banked_memory, test::sc_fixture)

BOOST_AUTO_TEST_CASE(consecutive_words_never_wait_when_banks_cover_the_busy_time) {
    memory_bench b("banked", "xmem", 64, 32, banking(4, 4), [](memory_probe& p) {
        for (unsigned a = 0; a < 64; ++a) {
            BOOST_TEST(p.read_delay(a) == zero, "word " << a);
            sc_core::wait(cycle);
        }
    });
    b.run();
    BOOST_TEST(banked_of(b).conflicts() == 0u);
    BOOST_TEST(banked_of(b).wait_cycles() == 0u);
    BOOST_TEST(b.model->reads() == 64u);
}

BOOST_AUTO_TEST_CASE(one_bank_back_to_back_waits_the_rest_of_its_busy_time) {
    memory_bench b("banked", "xmem", 64, 32, banking(4, 3), [](memory_probe& p) {
        // Bank 0 every cycle, stalling for what the model asks as the structural top does.
        for (unsigned i = 0; i < 5; ++i) {
            const sc_core::sc_time delay = p.read_delay(4 * i);
            BOOST_TEST(delay == (i == 0 ? zero : 2 * cycle), "access " << i);
            BOOST_TEST(p.read_delay(4 * i + 1) == delay, "bank 1, accessed in the same cycles, waits alike");
            sc_core::wait(cycle + delay);
        }
    });
    b.run();
    BOOST_TEST(banked_of(b).conflicts() == 8u);
    BOOST_TEST(banked_of(b).wait_cycles() == 16u);
    BOOST_TEST(banked_of(b).bank_cycles() == 3u);
}

BOOST_AUTO_TEST_CASE(two_accesses_in_one_cycle_on_one_port_wait_a_whole_busy_time) {
    memory_bench b("banked", "xmem", 64, 32, banking(2, 2), [](memory_probe& p) {
        sc_core::sc_time delay = zero;
        BOOST_TEST(p.write_word(6, {1, 2, 3, 4}, delay) == tlm::TLM_OK_RESPONSE);  // bank 0, cycle 0
        BOOST_TEST(delay == zero);
        bytes r;
        BOOST_TEST(p.read_word(3, r, delay) == tlm::TLM_OK_RESPONSE);  // bank 1, same cycle: free
        BOOST_TEST(delay == zero);
        BOOST_TEST(p.read_word(6, r, delay) == tlm::TLM_OK_RESPONSE);  // bank 0, same cycle: waits 2
        BOOST_TEST(delay == 2 * cycle);
        BOOST_TEST(r == (bytes{1, 2, 3, 4}));
    });
    b.run();
    BOOST_TEST(banked_of(b).conflicts() == 1u);
    BOOST_TEST(banked_of(b).wait_cycles() == 2u);
    BOOST_TEST(banked_of(b).ports() == 1u);
}

BOOST_AUTO_TEST_CASE(pmem_ports_take_that_many_accesses_per_cycle) {
    memory_bench b("banked", "pmem", 32, 64, banking(1, 1, 2), [](memory_probe& p) {
        BOOST_TEST(p.read_delay(0) == zero);  // two ports: two accesses in a cycle fit
        BOOST_TEST(p.read_delay(5) == zero);
        BOOST_TEST(p.read_delay(9) == cycle);  // the third waits for the next cycle
        sc_core::wait(cycle);
        // Cycle 1: one port is held by the third access, the other is free.
        BOOST_TEST(p.read_delay(2) == zero);
        BOOST_TEST(p.read_delay(3) == cycle);
    });
    b.run();
    BOOST_TEST(banked_of(b).ports() == 2u);
    BOOST_TEST(banked_of(b).conflicts() == 2u);
    BOOST_TEST(banked_of(b).wait_cycles() == 2u);
}

BOOST_AUTO_TEST_CASE(the_incoming_delay_is_when_the_access_arrives) {
    memory_bench b("banked", "xmem", 16, 32, banking(1, 4), [](memory_probe& p) {
        bytes r;
        sc_core::sc_time delay = zero;
        BOOST_TEST(p.read_word(0, r, delay) == tlm::TLM_OK_RESPONSE);  // bank busy cycles 0..3
        delay = 3 * cycle;  // the initiator runs 3 cycles ahead (a loosely timed quantum)
        BOOST_TEST(p.read_word(1, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(delay == 4 * cycle);  // arrives at cycle 3, served at cycle 4
        delay = 20 * cycle;  // long after: free
        BOOST_TEST(p.read_word(2, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(delay == 20 * cycle);
    });
    b.run();
    BOOST_TEST(banked_of(b).conflicts() == 1u);
    BOOST_TEST(banked_of(b).wait_cycles() == 1u);
}

BOOST_AUTO_TEST_CASE(data_is_kept_and_dmi_is_refused) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    memory_bench b("banked", "xmem", 16, 32, banking(4, 2), [](memory_probe& p) {
        sc_core::sc_time delay = zero;
        for (unsigned a = 0; a < 16; ++a) {
            const auto v = static_cast<std::uint8_t>(a * 3);
            BOOST_TEST(p.write_word(a, {v, 1, 2, v}, delay) == tlm::TLM_OK_RESPONSE);
            BOOST_TEST(!p.last_dmi_hint);
            sc_core::wait(cycle + delay);  // stall for what the model asked, then the next cycle
            delay = zero;
        }
        bytes r;
        for (unsigned a = 0; a < 16; ++a) {
            BOOST_TEST(p.read_word(a, r, delay) == tlm::TLM_OK_RESPONSE);
            BOOST_TEST(r == (bytes{static_cast<std::uint8_t>(a * 3), 1, 2, static_cast<std::uint8_t>(a * 3)}));
        }
        BOOST_TEST(p.read_word(16, r, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        std::uint8_t d[4] = {};
        BOOST_TEST(p.debug(tlm::TLM_READ_COMMAND, 4, d, 4) == 4u);
        BOOST_TEST(d[0] == 3);
        tlm::tlm_generic_payload g;
        g.set_command(tlm::TLM_READ_COMMAND);
        g.set_address(0);
        tlm::tlm_dmi dmi;
        BOOST_TEST(!p.out->get_direct_mem_ptr(g, dmi));
        BOOST_TEST(dmi.get_dmi_ptr() == nullptr);
        BOOST_TEST(dmi.get_start_address() == 0u);
    });
    b.run();
    BOOST_TEST(b.model->writes() == 16u);
    BOOST_TEST(b.model->reads() == 16u);
}

BOOST_AUTO_TEST_CASE(bad_geometry_is_a_config_error) {
    const std::vector<std::string> names = memory_model_names();
    BOOST_TEST((names == std::vector<std::string>{"banked", "sram"}));
    memory_params p;
    p.role = "xmem";
    p.words = 4;
    p.width_bits = 32;
    p.word_bytes = 4;
    p.period = cycle;
    BOOST_CHECK_THROW((void)make_memory_model("banked", "no_keys", p), config_error);
    sram_keys k = banking(0, 1);
    p.keys = &k;
    BOOST_CHECK_THROW((void)make_memory_model("banked", "no_banks", p), config_error);
    k = banking(2, 1);
    p.period = zero;
    BOOST_CHECK_THROW((void)make_memory_model("banked", "no_clock", p), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
