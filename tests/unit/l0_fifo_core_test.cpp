// l0_fifo_core (pe/l0_fifo_core.h): the L0 input buffer alone: one l0_wr pushes lane r of the
// xmem word into row r, l0_rd pops row r r+1 edges later (the RTL's rd_en shift register),
// rows are FWFT with a bounded depth, and random traffic matches a deque-per-row reference.
#include <boost/test/unit_test.hpp>

#include "pe/l0_fifo_core.h"

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

/// A packed xmem word whose lane r holds (base + r) & 0xF.
std::vector<std::uint8_t> word_with(unsigned rows, unsigned base) {
    std::vector<std::uint8_t> w((rows + 1) / 2, 0);
    for (unsigned r = 0; r < rows; ++r)
        w[r / 2] = static_cast<std::uint8_t>(w[r / 2] | (((base + r) & 0xFu) << (4 * (r % 2))));
    return w;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(l0_fifo_core_suite)

BOOST_AUTO_TEST_CASE(write_pushes_lane_r_into_row_r) {
    l0_fifo_core l0(8, 64);
    BOOST_TEST(l0.rows() == 8u);
    const std::uint8_t word[4] = {0x21, 0x43, 0x65, 0x87};  // lane r = r + 1 (bits [4r+3:4r])
    l0.clock(true, word, false);
    for (unsigned r = 0; r < 8; ++r) {
        BOOST_TEST(l0.size(r) == 1u);
        BOOST_TEST(l0.head(r) == r + 1);
    }
    const std::uint8_t all_f[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    l0.clock(true, all_f, false);
    for (unsigned r = 0; r < 8; ++r) {
        BOOST_TEST(l0.size(r) == 2u);
        BOOST_TEST(l0.head(r) == r + 1);  // FWFT: the first word stays at the head
    }
}

BOOST_AUTO_TEST_CASE(odd_row_count_uses_the_low_nibble_of_the_last_byte) {
    l0_fifo_core l0(3, 4);
    const std::uint8_t word[2] = {0xBA, 0xDC};
    l0.clock(true, word, false);
    BOOST_TEST(l0.head(0) == 0xAu);
    BOOST_TEST(l0.head(1) == 0xBu);
    BOOST_TEST(l0.head(2) == 0xCu);
}

BOOST_AUTO_TEST_CASE(row_r_pops_r_plus_1_edges_after_l0_rd) {
    const unsigned R = 8;
    l0_fifo_core l0(R, 64);
    for (unsigned i = 0; i < 4; ++i) l0.clock(true, word_with(R, i).data(), false);
    l0.clock(false, nullptr, true);  // edge E samples l0_rd
    BOOST_TEST(l0.pops_next(0));
    for (unsigned r = 1; r < R; ++r) BOOST_TEST(!l0.pops_next(r));
    for (unsigned r = 0; r < R; ++r) BOOST_TEST(l0.size(r) == 4u);  // nothing pops at E itself
    for (unsigned k = 1; k <= R; ++k) {
        l0.clock(false, nullptr, false);  // edge E + k: row k - 1 pops
        for (unsigned r = 0; r < R; ++r) {
            const bool popped = r + 1 <= k;
            BOOST_TEST_REQUIRE(l0.size(r) == (popped ? 3u : 4u), "edge E+" << k << " row " << r);
            // The head of a popped row is the second word's lane r.
            BOOST_TEST_REQUIRE(l0.head(r) == ((popped ? 1u : 0u) + r) % 16, "edge E+" << k << " row " << r);
        }
        for (unsigned r = 0; r < R; ++r) BOOST_TEST_REQUIRE(l0.pops_next(r) == (r == k));
    }
}

BOOST_AUTO_TEST_CASE(held_l0_rd_pops_each_row_once_per_edge) {
    const unsigned R = 4, N = 6;
    l0_fifo_core l0(R, 16);
    for (unsigned i = 0; i < N; ++i) l0.clock(true, word_with(R, 3 * i).data(), false);
    std::vector<std::vector<unsigned>> seen(R);
    for (unsigned t = 0; t < N + R + 2; ++t) {
        for (unsigned r = 0; r < R; ++r)
            if (l0.pops_next(r)) seen[r].push_back(l0.head(r));  // what PE(r,0) samples
        l0.clock(false, nullptr, t < N);
    }
    for (unsigned r = 0; r < R; ++r) {
        BOOST_TEST(l0.size(r) == 0u);
        BOOST_TEST_REQUIRE(seen[r].size() == N);
        for (unsigned i = 0; i < N; ++i) BOOST_TEST(seen[r][i] == (3 * i + r) % 16);
    }
}

BOOST_AUTO_TEST_CASE(pop_before_push_in_the_same_edge) {
    l0_fifo_core l0(2, 2);
    const std::uint8_t a[1] = {0x21}, b[1] = {0x43}, c[1] = {0x65};
    l0.clock(true, a, true);  // rd_en row 0 set for the next edge
    l0.clock(true, b, false);  // row 0 pops a, then b is pushed: room for it
    BOOST_TEST(l0.size(0) == 1u);
    BOOST_TEST(l0.head(0) == 0x3u);
    BOOST_TEST(l0.size(1) == 2u);  // row 1 pops one edge later
    l0.clock(true, c, false);  // row 1 pops a, full row 1 takes c without overflow
    BOOST_TEST(l0.size(1) == 2u);
    BOOST_TEST(l0.head(1) == 0x4u);
    BOOST_TEST(l0.size(0) == 2u);
}

BOOST_AUTO_TEST_CASE(push_to_a_full_row_throws) {
    l0_fifo_core l0(4, 3);
    const auto w = word_with(4, 0);
    for (int i = 0; i < 3; ++i) l0.clock(true, w.data(), false);
    BOOST_CHECK_THROW(l0.clock(true, w.data(), false), std::overflow_error);
    BOOST_TEST(l0.high_water() == 3u);
}

BOOST_AUTO_TEST_CASE(pop_on_empty_row_keeps_the_stale_head) {
    l0_fifo_core l0(2, 4);
    const std::uint8_t a[1] = {0x97};
    l0.clock(true, a, true);
    l0.clock(false, nullptr, true);  // row 0 pops the only word
    BOOST_TEST(l0.size(0) == 0u);
    BOOST_TEST(l0.head(0) == 0x0u);  // slot 1 never written
    l0.clock(false, nullptr, false);  // row 0 pops again: no-op; row 1 pops its word
    BOOST_TEST(l0.size(0) == 0u);
    BOOST_TEST(l0.size(1) == 0u);
    l0.clock(false, nullptr, false);  // row 1's second pop on empty
    BOOST_TEST(l0.size(1) == 0u);
}

BOOST_AUTO_TEST_CASE(reset_clears_rows_and_skew_register) {
    l0_fifo_core l0(4, 8);
    const auto w = word_with(4, 5);
    l0.clock(true, w.data(), true);
    l0.clock(true, w.data(), true);
    BOOST_TEST(l0.pops_next(0));
    BOOST_TEST(l0.pops_next(1));
    l0.reset();
    for (unsigned r = 0; r < 4; ++r) {
        BOOST_TEST(l0.size(r) == 0u);
        BOOST_TEST(!l0.pops_next(r));
        BOOST_TEST(l0.head(r) == (5 + r) % 16);  // storage kept: slot 0's stale lane
    }
    l0.clock(false, nullptr, false);
    for (unsigned r = 0; r < 4; ++r) BOOST_TEST(l0.size(r) == 0u);
    BOOST_TEST(l0.high_water() == 2u);
}

BOOST_AUTO_TEST_CASE(random_traffic_matches_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("l0_fifo_core seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 80; ++trial) {
        const unsigned R = 1 + rng() % 16;
        const unsigned depth = 1 + rng() % 10;
        l0_fifo_core l0(R, depth);
        std::vector<std::deque<unsigned>> ref(R);
        std::vector<bool> rd_en(R, false);
        std::size_t peak = 0;
        for (int edge = 0; edge < 300; ++edge) {
            if (rng() % 64 == 0) {
                l0.reset();
                for (auto& q : ref) q.clear();
                rd_en.assign(R, false);
                continue;
            }
            const bool rd = rng() % 2;
            bool wr = rng() % 2;
            const auto w = word_with(R, rng() % 16);
            // Reference edge: skewed pops, then the push, then the shift register.
            std::vector<std::deque<unsigned>> next = ref;
            for (unsigned r = 0; r < R; ++r)
                if (rd_en[r] && !next[r].empty()) next[r].pop_front();
            bool overflow = false;
            if (wr)
                for (unsigned r = 0; r < R; ++r) overflow = overflow || next[r].size() == depth;
            if (overflow && rng() % 16 != 0) {  // mostly a sound sequencer; sometimes the fault
                wr = false;
                overflow = false;
            }
            if (overflow) {
                BOOST_CHECK_THROW(l0.clock(wr, w.data(), rd), std::overflow_error);
                break;  // the core's state after a throw is not specified
            }
            l0.clock(wr, w.data(), rd);
            if (wr)
                for (unsigned r = 0; r < R; ++r) next[r].push_back(((w[r / 2] >> (4 * (r % 2))) & 0xFu));
            ref = next;
            for (unsigned r = R - 1; r > 0; --r) rd_en[r] = rd_en[r - 1];
            rd_en[0] = rd;
            for (unsigned r = 0; r < R; ++r) {
                peak = std::max(peak, ref[r].size());
                BOOST_TEST_REQUIRE(l0.size(r) == ref[r].size(), "seed " << seed << " trial " << trial << " edge " << edge << " row " << r);
                BOOST_TEST_REQUIRE(l0.pops_next(r) == rd_en[r], "seed " << seed << " trial " << trial << " edge " << edge << " row " << r);
                if (!ref[r].empty())
                    BOOST_TEST_REQUIRE(l0.head(r) == ref[r].front(), "seed " << seed << " trial " << trial << " edge " << edge << " row " << r);
            }
            BOOST_TEST_REQUIRE(l0.high_water() == peak, "seed " << seed << " trial " << trial);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
