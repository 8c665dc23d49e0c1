// The built-in "sram" memory model (sram/sram_memory.h), built through the registry and driven
// through a plain simple_initiator_socket: word reads and writes with no added delay, the error
// responses, the debug transport and DMI over the whole storage. One process per case: each
// case elaborates its own bench.
// ctest-cases: sram_memory/words_written_are_read_back_without_delay sram_memory/counters_count_served_accesses
// ctest-cases: sram_memory/errors_get_their_response_and_a_warning sram_memory/transport_dbg_reads_and_writes_the_storage
// ctest-cases: sram_memory/dmi_covers_the_whole_storage sram_memory/registry_holds_the_builtins
#include "sram/sram_memory.h"

#include "memory_probe.h"
#include "support/sc_fixture.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

using namespace satlm;
using satlm::test::memory_bench;
using satlm::test::memory_probe;

namespace {

using bytes = std::vector<std::uint8_t>;
const sc_core::sc_time zero = sc_core::SC_ZERO_TIME;

/// xmem-shaped memory: 16 words x 32 bits = 64 bytes.
memory_bench xmem_bench(std::function<void(memory_probe&)> body) {
    return memory_bench("sram", "xmem", 16, 32, sram_keys{}, std::move(body));
}

const sram_memory& storage_of(const memory_bench& b) { return dynamic_cast<const sram_memory&>(*b.model); }

bytes word_at(const memory_bench& b, unsigned a) {
    const sram_memory& m = storage_of(b);
    return bytes(m.word(a), m.word(a) + m.word_bytes());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sram_memory, test::sc_fixture)

BOOST_AUTO_TEST_CASE(words_written_are_read_back_without_delay) {
    memory_bench b("sram", "pmem", 8, 72, sram_keys{}, [](memory_probe& p) {  // 9-byte words
        sc_core::sc_time delay = sc_core::sc_time(3, sc_core::SC_NS);  // an initiator's own annotation
        BOOST_TEST(p.write_word(5, {1, 2, 3, 4, 5, 6, 7, 8, 9}, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(delay == sc_core::sc_time(3, sc_core::SC_NS));  // kept, nothing added
        BOOST_TEST(p.last_dmi_hint);
        bytes r;
        delay = zero;
        BOOST_TEST(p.read_word(5, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(r == (bytes{1, 2, 3, 4, 5, 6, 7, 8, 9}));
        BOOST_TEST(delay == zero);
        BOOST_TEST(p.read_word(4, r, delay) == tlm::TLM_OK_RESPONSE);  // neighbours untouched
        BOOST_TEST(r == bytes(9, 0));
        BOOST_TEST(p.read_word(7, r, delay) == tlm::TLM_OK_RESPONSE);  // the last word
        BOOST_TEST(delay == zero);
        sc_core::wait(10, sc_core::SC_NS);  // a later cycle sees the same word
        BOOST_TEST(p.read_word(5, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(r == (bytes{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    });
    b.run();
    BOOST_TEST(word_at(b, 5) == (bytes{1, 2, 3, 4, 5, 6, 7, 8, 9}));
    BOOST_TEST(storage_of(b).size_bytes() == 72u);
    BOOST_TEST(std::string(storage_of(b).in.basename()) == "in");
}

BOOST_AUTO_TEST_CASE(counters_count_served_accesses) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    memory_bench b = xmem_bench([](memory_probe& p) {
        sc_core::sc_time delay = zero;
        for (unsigned a = 0; a < 16; ++a) BOOST_TEST(p.write_word(a, {1, 2, 3, 4}, delay) == tlm::TLM_OK_RESPONSE);
        bytes r;
        for (unsigned a = 0; a < 5; ++a) BOOST_TEST(p.read_word(a, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(p.read_word(16, r, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // refused: not counted
        std::uint8_t w[4] = {9, 9, 9, 9};
        BOOST_TEST(p.debug(tlm::TLM_WRITE_COMMAND, 0, w, 4) == 4u);  // debug: not counted
    });
    b.run();
    BOOST_TEST(b.model->writes() == 16u);
    BOOST_TEST(b.model->reads() == 5u);
}

BOOST_AUTO_TEST_CASE(errors_get_their_response_and_a_warning) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    memory_bench b = xmem_bench([](memory_probe& p) {
        bytes r;
        sc_core::sc_time delay = zero;
        BOOST_TEST(p.read_word(16, r, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // past the end
        BOOST_TEST(p.write_word(1u << 20, {1, 2, 3, 4}, delay) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        std::uint8_t d[8] = {7, 7, 7, 7, 7, 7, 7, 7};
        BOOST_TEST(p.transact(tlm::TLM_WRITE_COMMAND, ~std::uint64_t{0} - 1, d, 4) ==
                   tlm::TLM_ADDRESS_ERROR_RESPONSE);                                         // wraps around
        BOOST_TEST(p.transact(tlm::TLM_WRITE_COMMAND, 2, d, 4) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // not on a word
        BOOST_TEST(p.transact(tlm::TLM_WRITE_COMMAND, 0, d, 8) == tlm::TLM_BURST_ERROR_RESPONSE);    // two words
        BOOST_TEST(p.transact(tlm::TLM_READ_COMMAND, 4, d, 2) == tlm::TLM_BURST_ERROR_RESPONSE);     // half a word
        std::uint8_t be[4] = {0xFF, 0x00, 0xFF, 0x00};
        BOOST_TEST(p.transact(tlm::TLM_WRITE_COMMAND, 0, d, 4, delay, be, 4) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        BOOST_TEST(p.transact(tlm::TLM_IGNORE_COMMAND, 0, d, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
        BOOST_TEST(d[0] == 7);  // nothing was read into the buffer
        BOOST_TEST(delay == zero);
    });
    b.run();
    BOOST_TEST(sc_core::sc_report_handler::get_count("satlm/sram") == 8, "one SC_WARNING of type satlm/sram per error");
    BOOST_TEST(b.model->reads() == 0u);
    BOOST_TEST(b.model->writes() == 0u);
    for (unsigned a = 0; a < 16; ++a) BOOST_TEST_REQUIRE(word_at(b, a) == bytes(4, 0));
}

BOOST_AUTO_TEST_CASE(transport_dbg_reads_and_writes_the_storage) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    memory_bench b = xmem_bench([](memory_probe& p) {
        std::uint8_t w[6] = {1, 2, 3, 4, 5, 6};
        BOOST_TEST(p.debug(tlm::TLM_WRITE_COMMAND, 22, w, 6) == 6u);  // any byte range
        std::uint8_t r[6] = {};
        BOOST_TEST(p.debug(tlm::TLM_READ_COMMAND, 22, r, 6) == 6u);
        for (int i = 0; i < 6; ++i) BOOST_TEST(r[i] == w[i]);
        BOOST_TEST(p.debug(tlm::TLM_READ_COMMAND, 62, r, 4) == 0u);  // out of range: nothing moved
        BOOST_TEST(p.debug(tlm::TLM_WRITE_COMMAND, 64, w, 1) == 0u);
        bytes rr;
        sc_core::sc_time delay = zero;
        BOOST_TEST(p.read_word(5, rr, delay) == tlm::TLM_OK_RESPONSE);  // a debug write is seen by a read
        BOOST_TEST(rr == (bytes{0, 0, 1, 2}));
    });
    b.run();
    BOOST_TEST(word_at(b, 6) == (bytes{3, 4, 5, 6}));
    BOOST_TEST(b.model->writes() == 0u);
    BOOST_TEST(b.model->reads() == 1u);
}

BOOST_AUTO_TEST_CASE(dmi_covers_the_whole_storage) {
    memory_bench b = xmem_bench([](memory_probe& p) {
        tlm::tlm_generic_payload g;
        g.set_command(tlm::TLM_READ_COMMAND);
        g.set_address(12);
        tlm::tlm_dmi dmi;
        BOOST_TEST_REQUIRE(p.out->get_direct_mem_ptr(g, dmi));
        BOOST_TEST(dmi.get_start_address() == 0u);
        BOOST_TEST(dmi.get_end_address() == 63u);
        BOOST_TEST(dmi.is_read_write_allowed());
        BOOST_TEST(dmi.get_read_latency() == zero);
        BOOST_TEST(dmi.get_write_latency() == zero);
        // A write through the pointer is what a transaction reads, and the other way round.
        dmi.get_dmi_ptr()[3 * 4 + 1] = 0x5A;
        bytes r;
        sc_core::sc_time delay = zero;
        BOOST_TEST(p.read_word(3, r, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(r == (bytes{0, 0x5A, 0, 0}));
        BOOST_TEST(p.write_word(15, {0xA1, 0xA2, 0xA3, 0xA4}, delay) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(dmi.get_dmi_ptr()[63] == 0xA4);
        // Past the storage: denied, for the range beyond it.
        g.set_address(64);
        tlm::tlm_dmi none;
        BOOST_TEST(!p.out->get_direct_mem_ptr(g, none));
        BOOST_TEST(none.get_start_address() == 64u);
    });
    b.run();
    BOOST_TEST(b.model->reads() == 1u);
    BOOST_TEST(b.model->writes() == 1u);
}

BOOST_AUTO_TEST_CASE(registry_holds_the_builtins) {
    const std::vector<std::string> names = memory_model_names();
    BOOST_TEST(std::count(names.begin(), names.end(), "sram") == 1);
    memory_params p;
    p.role = "pmem";
    p.words = 4;
    p.width_bits = 8;
    p.word_bytes = 1;
    p.period = sc_core::sc_time(1, sc_core::SC_NS);
    try {
        (void)make_memory_model("no_such_memory", "m", p);
        BOOST_ERROR("an unknown name must be refused");
    } catch (const config_error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("pmem.model") != std::string::npos, what);
        BOOST_TEST(what.find("\"sram\"") != std::string::npos, what);
        BOOST_TEST(what.find("no_such_memory") != std::string::npos, what);
    }
    p.words = 0;
    BOOST_CHECK_THROW((void)make_memory_model("sram", "empty", p), config_error);
}

BOOST_AUTO_TEST_SUITE_END()
