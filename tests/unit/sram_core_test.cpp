// sram_core (sram/sram_core.h): one single-port SRAM macro, its registered read address, the
// read-latency pipeline, the packed-lane helpers, and random traffic against a reference.
#include <boost/test/unit_test.hpp>

#include "sram/sram_core.h"
#include "tlm/report.h"

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <random>
#include <stdexcept>
#include <vector>

using namespace satlm;

namespace {
/// SATLM_TEST_SEED reproduces a run; otherwise a fresh seed, printed with --log_level=message.
unsigned test_seed() {
    if (const char* s = std::getenv("SATLM_TEST_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

std::vector<std::uint8_t> word_of(const sram_core& m, std::uint8_t fill) {
    return std::vector<std::uint8_t>(m.word_bytes(), fill);
}

std::vector<std::uint8_t> q_of(const sram_core& m) {
    return std::vector<std::uint8_t>(m.q(), m.q() + m.word_bytes());
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sram_core_suite)

BOOST_AUTO_TEST_CASE(rejects_empty_geometry_and_zero_latency) {
    BOOST_CHECK_THROW(sram_core(0, 32, 1), config_error);
    BOOST_CHECK_THROW(sram_core(16, 0, 1), config_error);
    BOOST_CHECK_THROW(sram_core(16, 32, 0), config_error);
    BOOST_CHECK_NO_THROW(sram_core(1, 1, 1));
}

BOOST_AUTO_TEST_CASE(geometry_rounds_width_up_to_bytes) {
    sram_core x(2048, 32, 1);
    BOOST_TEST(x.words() == 2048u);
    BOOST_TEST(x.width_bits() == 32u);
    BOOST_TEST(x.word_bytes() == 4u);
    BOOST_TEST(x.size_bytes() == 2048u * 4u);
    BOOST_TEST(x.read_latency() == 1u);
    sram_core p(2048, 128, 2);
    BOOST_TEST(p.word_bytes() == 16u);
    BOOST_TEST(p.read_latency() == 2u);
    sram_core odd(10, 12, 1);
    BOOST_TEST(odd.word_bytes() == 2u);
    BOOST_TEST(odd.size_bytes() == 20u);
    BOOST_TEST(odd.word(3) == odd.data() + 6);
}

BOOST_AUTO_TEST_CASE(storage_starts_zeroed) {
    sram_core m(64, 32, 1);
    for (std::size_t i = 0; i < m.size_bytes(); ++i) BOOST_TEST_REQUIRE(m.data()[i] == 0);
}

BOOST_AUTO_TEST_CASE(read_is_usable_one_edge_later) {
    sram_core m(16, 32, 1);
    const auto a = word_of(m, 0xA5), b = word_of(m, 0x3C);
    m.clock_write(5, a.data());
    m.clock_write(6, b.data());
    m.clock_read(5);
    BOOST_TEST(q_of(m) == a);  // address registered at this edge, Q valid before the next
    m.clock_read(6);
    BOOST_TEST(q_of(m) == b);
    m.clock_idle();
    BOOST_TEST(q_of(m) == b);  // the registered address holds while idle
}

BOOST_AUTO_TEST_CASE(q_follows_later_writes_to_the_registered_address) {
    sram_core m(16, 32, 1);
    const auto a = word_of(m, 0x11), b = word_of(m, 0x22);
    m.clock_write(3, a.data());
    m.clock_read(3);
    BOOST_TEST(q_of(m) == a);
    m.clock_write(3, b.data());  // Q = mem[add_q] is combinational
    BOOST_TEST(q_of(m) == b);
    m.clock_write(4, a.data());  // a write elsewhere does not move the read address
    BOOST_TEST(q_of(m) == b);
}

BOOST_AUTO_TEST_CASE(read_latency_delays_q_by_that_many_edges) {
    for (unsigned L = 1; L <= 4; ++L) {
        sram_core m(32, 16, L);
        for (unsigned a = 0; a < 32; ++a) {
            const std::uint8_t v[2] = {static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(0x80 | a)};
            m.clock_write(a, v);
        }
        // Back-to-back reads of 10, 11, 12, ...: after edge n, Q shows the read of edge n-L+1.
        std::vector<unsigned> issued;
        for (unsigned n = 0; n < 8; ++n) {
            m.clock_read(10 + n);
            issued.push_back(10 + n);
            if (n + 1 >= L) {
                const unsigned expect = issued[n + 1 - L];
                BOOST_TEST_REQUIRE(m.q()[0] == expect, "latency " << L << " edge " << n);
            }
        }
        // With no further reads the last address reaches Q after L-1 idle edges and stays.
        for (unsigned i = 0; i + 1 < L; ++i) m.clock_idle();
        BOOST_TEST(m.q()[0] == 17u);
        m.clock_idle();
        BOOST_TEST(m.q()[0] == 17u);
    }
}

BOOST_AUTO_TEST_CASE(rejects_out_of_range_addresses) {
    sram_core m(8, 32, 1);
    const auto a = word_of(m, 1);
    BOOST_CHECK_THROW(m.clock_read(8), std::out_of_range);
    BOOST_CHECK_THROW(m.clock_write(8, a.data()), std::out_of_range);
    BOOST_CHECK_NO_THROW(m.clock_read(7));
    BOOST_CHECK_NO_THROW(m.clock_write(7, a.data()));
}

BOOST_AUTO_TEST_CASE(counts_reads_and_writes) {
    sram_core m(8, 32, 1);
    const auto a = word_of(m, 1);
    m.clock_write(0, a.data());
    m.clock_write(1, a.data());
    m.clock_read(0);
    m.clock_idle();
    m.clock_read(1);
    m.clock_read(2);
    m.clock_read(3);
    BOOST_TEST(m.writes() == 2u);
    BOOST_TEST(m.reads() == 4u);  // idle edges are not reads
}

BOOST_AUTO_TEST_CASE(lanes_pack_from_the_lsbs) {
    std::uint8_t w[4] = {0, 0, 0, 0};
    // 4-bit lanes: lane r = bits [4r+3:4r] (the L0 row mapping).
    for (unsigned r = 0; r < 8; ++r) sram_core::set_lane(w, r, 4, r + 1);
    BOOST_TEST(w[0] == 0x21);
    BOOST_TEST(w[3] == 0x87);
    for (unsigned r = 0; r < 8; ++r) BOOST_TEST(sram_core::get_lane(w, r, 4) == r + 1);
    // 16-bit lanes: column 0 at the LSBs, little-endian bytes (the pmem mapping).
    std::uint8_t p[16] = {};
    sram_core::set_lane(p, 0, 16, 0xBEEF);
    sram_core::set_lane(p, 7, 16, 0x8001);
    BOOST_TEST(p[0] == 0xEF);
    BOOST_TEST(p[1] == 0xBE);
    BOOST_TEST(p[14] == 0x01);
    BOOST_TEST(p[15] == 0x80);
    // Lanes that straddle bytes and overwrite without disturbing neighbours.
    std::uint8_t s[8];
    for (auto& b : s) b = 0xFF;
    sram_core::set_lane(s, 1, 12, 0);
    BOOST_TEST(sram_core::get_lane(s, 0, 12) == 0xFFFu);
    BOOST_TEST(sram_core::get_lane(s, 1, 12) == 0u);
    BOOST_TEST(sram_core::get_lane(s, 2, 12) == 0xFFFu);
    BOOST_TEST(s[1] == 0x0F);
    BOOST_TEST(s[2] == 0x00);
    BOOST_TEST(s[3] == 0xFF);
}

BOOST_AUTO_TEST_CASE(random_lanes_match_a_bit_vector) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("sram_core lanes seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 300; ++trial) {
        const unsigned bits = 1 + rng() % 32;
        const unsigned lanes = 1 + rng() % 12;
        std::vector<std::uint8_t> w((bits * lanes + 7) / 8, 0);
        std::vector<bool> ref(w.size() * 8, false);
        for (int op = 0; op < 40; ++op) {
            const unsigned i = rng() % lanes;
            const std::uint64_t v = rng() & ((std::uint64_t{1} << bits) - 1);
            sram_core::set_lane(w.data(), i, bits, v);
            for (unsigned b = 0; b < bits; ++b) ref[i * bits + b] = (v >> b) & 1u;
            for (std::size_t bit = 0; bit < ref.size(); ++bit)
                BOOST_TEST_REQUIRE(((w[bit / 8] >> (bit % 8)) & 1) == (ref[bit] ? 1 : 0),
                                   "seed " << seed << " trial " << trial << " bit " << bit);
            const unsigned j = rng() % lanes;
            std::uint64_t expect = 0;
            for (unsigned b = 0; b < bits; ++b) expect |= std::uint64_t{ref[j * bits + b]} << b;
            BOOST_TEST_REQUIRE(sram_core::get_lane(w.data(), j, bits) == expect, "seed " << seed);
        }
    }
}

BOOST_AUTO_TEST_CASE(random_traffic_matches_reference_memory) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("sram_core traffic seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 60; ++trial) {
        const unsigned words = 1 + rng() % 64;
        const unsigned width = 1 + rng() % 130;
        const unsigned L = 1 + rng() % 4;
        sram_core m(words, width, L);
        const unsigned nb = m.word_bytes();
        std::vector<std::vector<std::uint8_t>> mem(words, std::vector<std::uint8_t>(nb, 0));
        std::deque<unsigned> pipe(L, 0);  // pipe.back() drives Q
        std::uint64_t reads = 0, writes = 0;
        for (int op = 0; op < 400; ++op) {
            const unsigned kind = rng() % 3;
            const unsigned addr = rng() % words;
            if (kind == 0) {
                m.clock_read(addr);
                pipe.push_front(addr);
                pipe.pop_back();
                ++reads;
            } else if (kind == 1) {
                std::vector<std::uint8_t> d(nb);
                for (auto& b : d) b = static_cast<std::uint8_t>(rng());
                m.clock_write(addr, d.data());
                mem[addr] = d;
                // A non-read edge keeps the address register and advances the later stages.
                pipe.push_front(pipe.front());
                pipe.pop_back();
                ++writes;
            } else {
                m.clock_idle();
                pipe.push_front(pipe.front());
                pipe.pop_back();
            }
            BOOST_TEST_REQUIRE(q_of(m) == mem[pipe.back()],
                               "seed " << seed << " trial " << trial << " op " << op << " latency " << L);
        }
        BOOST_TEST(m.reads() == reads);
        BOOST_TEST(m.writes() == writes);
        for (unsigned a = 0; a < words; ++a)
            BOOST_TEST_REQUIRE(std::vector<std::uint8_t>(m.word(a), m.word(a) + nb) == mem[a], "seed " << seed);
    }
}

BOOST_AUTO_TEST_SUITE_END()
