// sram_bank (sram/sram_bank.h): the TLM-2.0 target over an sram_core, driven through a plain
// simple_initiator_socket: byte-addressed writes and reads, the error responses, the debug
// transport and the (absent) DMI. One process per case: each case elaborates its own bench.
// ctest-cases: sram_bank/write_then_read_by_byte_address sram_bank/out_of_range_gets_address_error
// ctest-cases: sram_bank/byte_enables_get_byte_enable_error sram_bank/ignore_command_gets_command_error
// ctest-cases: sram_bank/transport_dbg_reads_and_writes_the_storage sram_bank/dmi_is_not_offered
// ctest-cases: sram_bank/address_error_reports_a_warning sram_bank/byte_enable_error_reports_a_warning
#include "sram/sram_bank.h"

#include "memory_probe.h"
#include "support/sc_fixture.h"

#include <systemc>
#include <tlm>

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <vector>

using namespace satlm;

namespace {

using test::memory_probe;
using probe = memory_probe;

/// One blocking transaction through the probe (tests/module/memory_probe.h); the bank is untimed
/// (the engine counts cycles) and offers no DMI, whatever the access.
tlm::tlm_response_status transact(probe& p, tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data,
                                  unsigned len, std::uint8_t* byte_enable = nullptr, unsigned be_len = 0) {
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    const tlm::tlm_response_status r = p.transact(cmd, addr, data, len, delay, byte_enable, be_len);
    BOOST_TEST(delay == sc_core::SC_ZERO_TIME);
    BOOST_TEST(!p.last_dmi_hint);
    return r;
}
tlm::tlm_response_status write(probe& p, std::uint64_t addr, std::vector<std::uint8_t> bytes) {
    return transact(p, tlm::TLM_WRITE_COMMAND, addr, bytes.data(), static_cast<unsigned>(bytes.size()));
}
tlm::tlm_response_status read(probe& p, std::uint64_t addr, std::vector<std::uint8_t>& bytes) {
    return transact(p, tlm::TLM_READ_COMMAND, addr, bytes.data(), static_cast<unsigned>(bytes.size()));
}

/// xmem-shaped bank (16 words x 32 bits = 64 bytes) bound to a probe.
struct bench {
    sram_core core{16, 32, 1};
    sram_bank bank{"xmem", core};
    probe init{"init"};
    explicit bench(std::function<void(probe&)> body) {
        init.body = std::move(body);
        init.out.bind(bank.in);
    }
    void run() {
        sc_core::sc_start();
        BOOST_TEST(init.finished);
    }
};

std::vector<std::uint8_t> word_at(const sram_core& m, unsigned a) {
    return std::vector<std::uint8_t>(m.word(a), m.word(a) + m.word_bytes());
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(sram_bank, test::sc_fixture)

BOOST_AUTO_TEST_CASE(write_then_read_by_byte_address) {
    bench b([](probe& p) {
        BOOST_TEST(write(p, 8, {0x01, 0x02, 0x03, 0x04}) == tlm::TLM_OK_RESPONSE);  // word 2
        std::vector<std::uint8_t> r(4, 0);
        BOOST_TEST(read(p, 8, r) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(r == (std::vector<std::uint8_t>{0x01, 0x02, 0x03, 0x04}));
        // Unaligned, multi-word accesses are plain byte ranges.
        BOOST_TEST(write(p, 10, {0xAA, 0xBB, 0xCC, 0xDD, 0xEE}) == tlm::TLM_OK_RESPONSE);
        std::vector<std::uint8_t> r2(8, 0);
        BOOST_TEST(read(p, 8, r2) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(r2 == (std::vector<std::uint8_t>{0x01, 0x02, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0x00}));
        // The last byte of the bank.
        BOOST_TEST(write(p, 63, {0x5A}) == tlm::TLM_OK_RESPONSE);
        std::vector<std::uint8_t> last(1, 0);
        BOOST_TEST(read(p, 63, last) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(last[0] == 0x5A);
    });
    b.run();
    BOOST_TEST(word_at(b.core, 2) == (std::vector<std::uint8_t>{0x01, 0x02, 0xAA, 0xBB}));
    BOOST_TEST(word_at(b.core, 3) == (std::vector<std::uint8_t>{0xCC, 0xDD, 0xEE, 0x00}));
    BOOST_TEST(b.core.word(15)[3] == 0x5A);
    BOOST_TEST(b.bank.tlm_writes() == 3u);
    BOOST_TEST(b.core.writes() == 0u);  // TLM accesses are backdoor fills, not clocked writes
    BOOST_TEST(std::string(b.bank.in.basename()) == "in");
}

BOOST_AUTO_TEST_CASE(out_of_range_gets_address_error) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::vector<std::uint8_t> r(4, 0);
        BOOST_TEST(read(p, 64, r) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        BOOST_TEST(read(p, 62, r) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // straddles the end
        BOOST_TEST(write(p, 1u << 20, {1, 2, 3, 4}) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
        BOOST_TEST(write(p, ~std::uint64_t{0} - 1, {1, 2, 3, 4}) == tlm::TLM_ADDRESS_ERROR_RESPONSE);  // wraps
        BOOST_TEST(read(p, 60, r) == tlm::TLM_OK_RESPONSE);  // the last word is fine
    });
    b.run();
    BOOST_TEST(b.bank.tlm_writes() == 0u);
    for (std::size_t i = 0; i < b.core.size_bytes(); ++i) BOOST_TEST_REQUIRE(b.core.data()[i] == 0);
}

BOOST_AUTO_TEST_CASE(byte_enables_get_byte_enable_error) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::uint8_t data[4] = {9, 9, 9, 9};
        std::uint8_t be[4] = {0xFF, 0x00, 0xFF, 0x00};
        BOOST_TEST(transact(p, tlm::TLM_WRITE_COMMAND, 0, data, 4, be, 4) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        std::uint8_t all[4] = {0xFF, 0xFF, 0xFF, 0xFF};
        BOOST_TEST(transact(p, tlm::TLM_READ_COMMAND, 0, data, 4, all, 4) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
        BOOST_TEST(data[0] == 9);  // nothing was read into the buffer
    });
    b.run();
    BOOST_TEST(b.bank.tlm_writes() == 0u);
    BOOST_TEST(word_at(b.core, 0) == (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(ignore_command_gets_command_error) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::uint8_t data[4] = {1, 2, 3, 4};
        BOOST_TEST(transact(p, tlm::TLM_IGNORE_COMMAND, 0, data, 4) == tlm::TLM_COMMAND_ERROR_RESPONSE);
    });
    b.run();
    BOOST_TEST(b.bank.tlm_writes() == 0u);
    BOOST_TEST(word_at(b.core, 0) == (std::vector<std::uint8_t>{0, 0, 0, 0}));
}

BOOST_AUTO_TEST_CASE(transport_dbg_reads_and_writes_the_storage) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::uint8_t w[6] = {1, 2, 3, 4, 5, 6};
        BOOST_TEST(p.debug(tlm::TLM_WRITE_COMMAND, 20, w, 6) == 6u);
        std::uint8_t r[6] = {};
        BOOST_TEST(p.debug(tlm::TLM_READ_COMMAND, 20, r, 6) == 6u);
        for (int i = 0; i < 6; ++i) BOOST_TEST(r[i] == w[i]);
        BOOST_TEST(p.debug(tlm::TLM_READ_COMMAND, 62, r, 4) == 0u);  // out of range: nothing moved
        BOOST_TEST(p.debug(tlm::TLM_WRITE_COMMAND, 64, w, 1) == 0u);
        // A debug write is seen by a later ordinary read.
        std::vector<std::uint8_t> rr(4, 0);
        BOOST_TEST(read(p, 20, rr) == tlm::TLM_OK_RESPONSE);
        BOOST_TEST(rr == (std::vector<std::uint8_t>{1, 2, 3, 4}));
    });
    b.run();
    BOOST_TEST(b.bank.tlm_writes() == 0u);  // debug writes are not counted as traffic
    BOOST_TEST(word_at(b.core, 5) == (std::vector<std::uint8_t>{1, 2, 3, 4}));
    BOOST_TEST(word_at(b.core, 6) == (std::vector<std::uint8_t>{5, 6, 0, 0}));
}

BOOST_AUTO_TEST_CASE(dmi_is_not_offered) {
    bench b([](probe& p) {
        tlm::tlm_generic_payload g;
        g.set_command(tlm::TLM_READ_COMMAND);
        g.set_address(0);
        tlm::tlm_dmi dmi;
        BOOST_TEST(!p.out->get_direct_mem_ptr(g, dmi));
        BOOST_TEST(dmi.get_dmi_ptr() == nullptr);
    });
    b.run();
}

// Error rule: initiator misuse of a TLM target sets the error status plus an
// SC_REPORT_WARNING of type satlm/sram.
BOOST_AUTO_TEST_CASE(address_error_reports_a_warning) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::vector<std::uint8_t> r(4, 0);
        BOOST_TEST(read(p, 64, r) == tlm::TLM_ADDRESS_ERROR_RESPONSE);
    });
    b.run();
    BOOST_TEST(sc_core::sc_report_handler::get_count("satlm/sram") == 1,
               "an out-of-range address must report one SC_WARNING of type satlm/sram");
}

BOOST_AUTO_TEST_CASE(byte_enable_error_reports_a_warning) {
    sc_core::sc_report_handler::set_actions("satlm/sram", sc_core::SC_DO_NOTHING);
    bench b([](probe& p) {
        std::uint8_t data[4] = {};
        std::uint8_t be[4] = {0xFF, 0xFF, 0xFF, 0xFF};
        BOOST_TEST(transact(p, tlm::TLM_WRITE_COMMAND, 0, data, 4, be, 4) == tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    });
    b.run();
    BOOST_TEST(sc_core::sc_report_handler::get_count("satlm/sram") == 1,
               "byte enables must report one SC_WARNING of type satlm/sram");
}

BOOST_AUTO_TEST_SUITE_END()
