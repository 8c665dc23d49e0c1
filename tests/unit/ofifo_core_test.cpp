// ofifo_core (pe/ofifo_core.h): the output FIFO alone: per-column pushes on valid, o_valid
// only when every column holds data, the registered read (pop one edge after ofifo_rd, all
// columns together), stale heads on an empty pop, and random traffic against a reference.
#include <boost/test/unit_test.hpp>

#include "pe/ofifo_core.h"

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

struct lanes {
    std::vector<std::uint8_t> valid;
    std::vector<std::int32_t> value;
    explicit lanes(unsigned cols) : valid(cols, 0), value(cols, 0) {}
    bool any() const {
        for (auto v : valid)
            if (v) return true;
        return false;
    }
};

void push_cols(ofifo_core& f, const std::vector<unsigned>& cols, std::int32_t value, bool rd = false) {
    lanes l(f.cols());
    for (unsigned c : cols) {
        l.valid[c] = 1;
        l.value[c] = value + static_cast<std::int32_t>(c);
    }
    f.clock(l.valid.data(), l.value.data(), l.any(), rd);
}

void idle(ofifo_core& f, bool rd = false) { push_cols(f, {}, 0, rd); }
}  // namespace

BOOST_AUTO_TEST_SUITE(ofifo_core_suite)

BOOST_AUTO_TEST_CASE(o_valid_only_when_every_column_holds_data) {
    ofifo_core f(4, 8);
    BOOST_TEST(f.cols() == 4u);
    BOOST_TEST(!f.o_valid());
    // The column skew of the array: column c's first push arrives c edges after column 0's.
    for (unsigned c = 0; c < 4; ++c) {
        std::vector<unsigned> cols;
        for (unsigned k = 0; k <= c; ++k) cols.push_back(k);
        push_cols(f, cols, 100);
        BOOST_TEST_REQUIRE(f.o_valid() == (c == 3), "after column " << c << "'s first push");
    }
    BOOST_TEST(f.size(0) == 4u);
    BOOST_TEST(f.size(3) == 1u);
    for (unsigned c = 0; c < 4; ++c) BOOST_TEST(f.head(c) == 100 + static_cast<std::int32_t>(c));
}

BOOST_AUTO_TEST_CASE(pushes_only_columns_with_valid_set) {
    ofifo_core f(3, 4);
    lanes l(3);
    l.valid = {1, 0, 1};
    l.value = {-5, 99, 7};
    f.clock(l.valid.data(), l.value.data(), true, false);
    BOOST_TEST(f.size(0) == 1u);
    BOOST_TEST(f.size(1) == 0u);
    BOOST_TEST(f.size(2) == 1u);
    BOOST_TEST(f.head(0) == -5);
    BOOST_TEST(f.head(2) == 7);
    BOOST_TEST(!f.o_valid());
    // any_valid = false is the caller's "no column is valid" shortcut: nothing is pushed.
    l.valid = {0, 0, 0};
    f.clock(l.valid.data(), l.value.data(), false, false);
    BOOST_TEST(f.size(0) == 1u);
}

BOOST_AUTO_TEST_CASE(read_is_registered_one_edge) {
    ofifo_core f(2, 8);
    push_cols(f, {0, 1}, 10);
    push_cols(f, {0, 1}, 20);
    idle(f, true);  // edge n samples ofifo_rd: nothing pops yet
    BOOST_TEST(f.size(0) == 2u);
    BOOST_TEST(f.head(0) == 10);
    idle(f, false);  // edge n + 1: all columns pop together
    BOOST_TEST(f.size(0) == 1u);
    BOOST_TEST(f.size(1) == 1u);
    BOOST_TEST(f.head(0) == 20);
    BOOST_TEST(f.head(1) == 21);
    idle(f, false);
    BOOST_TEST(f.size(0) == 1u);
}

BOOST_AUTO_TEST_CASE(pop_then_push_in_the_same_edge) {
    ofifo_core f(1, 1);
    push_cols(f, {0}, 1, true);
    BOOST_TEST(f.size(0) == 1u);
    push_cols(f, {0}, 2);  // the registered pop frees the slot before the push
    BOOST_TEST(f.size(0) == 1u);
    BOOST_TEST(f.head(0) == 2);
}

BOOST_AUTO_TEST_CASE(empty_pop_is_a_noop_with_stale_head) {
    ofifo_core f(2, 4);
    push_cols(f, {0, 1}, 50, true);
    idle(f, true);  // pops the 50s
    BOOST_TEST(!f.o_valid());
    idle(f, false);  // pops empty columns: a no-op
    BOOST_TEST(f.size(0) == 0u);
    BOOST_TEST(f.size(1) == 0u);
    BOOST_TEST(f.head(0) == 0);  // slot 1, never written
    // Wrap the ring so the slot under the read pointer holds old data.
    ofifo_core g(1, 2);
    push_cols(g, {0}, 7);
    push_cols(g, {0}, 8, true);
    idle(g, true);
    idle(g, true);
    BOOST_TEST(g.size(0) == 0u);
    BOOST_TEST(g.head(0) == 7);  // the stale head the (N+1)-th pmem write stores
    idle(g, false);
    BOOST_TEST(g.head(0) == 7);
}

BOOST_AUTO_TEST_CASE(push_to_a_full_column_throws) {
    ofifo_core f(2, 2);
    push_cols(f, {1}, 0);
    push_cols(f, {1}, 0);
    BOOST_TEST(f.high_water() == 2u);
    BOOST_CHECK_THROW(push_cols(f, {1}, 0), std::overflow_error);
    BOOST_CHECK_NO_THROW(push_cols(f, {0}, 0));  // other columns still have room
}

BOOST_AUTO_TEST_CASE(reset_clears_pointers_and_pending_read) {
    ofifo_core f(2, 4);
    push_cols(f, {0, 1}, 3);
    push_cols(f, {0, 1}, 4, true);
    f.reset();
    BOOST_TEST(!f.o_valid());
    BOOST_TEST(f.size(0) == 0u);
    BOOST_TEST(f.head(0) == 3);  // storage kept
    push_cols(f, {0, 1}, 9);  // the pre-reset ofifo_rd must not pop this word
    BOOST_TEST(f.size(0) == 1u);
    BOOST_TEST(f.o_valid());
    BOOST_TEST(f.high_water() == 2u);
}

BOOST_AUTO_TEST_CASE(random_traffic_matches_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("ofifo_core seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 80; ++trial) {
        const unsigned C = 1 + rng() % 16;
        const unsigned depth = 1 + rng() % 8;
        ofifo_core f(C, depth);
        std::vector<std::deque<std::int32_t>> ref(C);
        std::vector<std::int32_t> last_popped(C, 0);
        bool rd_q = false;
        std::size_t peak = 0;
        for (int edge = 0; edge < 300; ++edge) {
            if (rng() % 64 == 0) {
                f.reset();
                for (auto& q : ref) q.clear();
                rd_q = false;
                continue;
            }
            lanes l(C);
            for (unsigned c = 0; c < C; ++c) {
                l.valid[c] = rng() % 3 != 0;  // columns push independently
                l.value[c] = static_cast<std::int32_t>(rng() % 65536) - 32768;
            }
            const bool rd = rng() % 3 == 0;
            std::vector<std::deque<std::int32_t>> next = ref;
            if (rd_q)
                for (auto& q : next)
                    if (!q.empty()) q.pop_front();
            bool overflow = false;
            const bool allow_fault = rng() % 16 == 0;  // mostly a sound sequencer
            for (unsigned c = 0; c < C; ++c) {
                if (l.valid[c] && next[c].size() == depth && !allow_fault) l.valid[c] = 0;
                overflow = overflow || (l.valid[c] && next[c].size() == depth);
            }
            if (overflow) {
                BOOST_CHECK_THROW(f.clock(l.valid.data(), l.value.data(), l.any(), rd), std::overflow_error);
                break;
            }
            f.clock(l.valid.data(), l.value.data(), l.any(), rd);
            for (unsigned c = 0; c < C; ++c)
                if (l.valid[c]) next[c].push_back(l.value[c]);
            ref = next;
            rd_q = rd;
            bool all = true;
            for (unsigned c = 0; c < C; ++c) {
                all = all && !ref[c].empty();
                peak = std::max(peak, ref[c].size());
                BOOST_TEST_REQUIRE(f.size(c) == ref[c].size(), "seed " << seed << " trial " << trial << " edge " << edge << " col " << c);
                if (!ref[c].empty())
                    BOOST_TEST_REQUIRE(f.head(c) == ref[c].front(), "seed " << seed << " trial " << trial << " edge " << edge << " col " << c);
            }
            BOOST_TEST_REQUIRE(f.o_valid() == all, "seed " << seed << " trial " << trial << " edge " << edge);
            BOOST_TEST_REQUIRE(f.high_water() == peak, "seed " << seed << " trial " << trial);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
