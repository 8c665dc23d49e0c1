// fifo_core (tlm/fifo_core.h): the bounded first-word-fall-through FIFO behind the L0 rows and
// the OFIFO columns, checked alone and against a std::deque reference under random traffic.
#include <boost/test/unit_test.hpp>

#include "tlm/fifo_core.h"

#include <cstdint>
#include <deque>
#include <cstdlib>
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
}  // namespace

BOOST_AUTO_TEST_SUITE(fifo_core_suite)

BOOST_AUTO_TEST_CASE(rejects_zero_depth) {
    BOOST_CHECK_THROW(fifo_core<int>(0), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(head_falls_through_without_pop) {
    fifo_core<int> f(4);
    BOOST_TEST(f.empty());
    BOOST_TEST(f.depth() == 4u);
    f.push(11);
    BOOST_TEST(f.head() == 11);  // visible at once, no pop needed
    f.push(22);
    BOOST_TEST(f.head() == 11);
    BOOST_TEST(f.size() == 2u);
    BOOST_TEST(f.pop());
    BOOST_TEST(f.head() == 22);
    BOOST_TEST(f.size() == 1u);
}

BOOST_AUTO_TEST_CASE(pops_in_push_order_across_wrap) {
    fifo_core<int> f(3);
    int next_in = 0, next_out = 0;
    for (int round = 0; round < 10; ++round) {
        while (!f.full()) f.push(next_in++);
        BOOST_TEST(f.head() == next_out);
        f.pop();
        ++next_out;
        BOOST_TEST(f.head() == next_out);
        f.pop();
        ++next_out;
    }
}

BOOST_AUTO_TEST_CASE(pop_on_empty_is_a_noop_showing_the_stale_slot) {
    fifo_core<int> f(4);
    f.push(5);
    f.push(6);
    BOOST_TEST(f.pop());
    BOOST_TEST(f.pop());
    BOOST_TEST(f.empty());
    // The read pointer now sits on slot 2, never written: its default value shows.
    BOOST_TEST(f.head() == 0);
    BOOST_TEST(!f.pop());
    BOOST_TEST(f.size() == 0u);
    BOOST_TEST(f.head() == 0);
    // Fill the ring once so every slot holds data, then empty it: the stale head is the word
    // pushed `depth` pushes before the next write.
    fifo_core<int> g(3);
    for (int v : {1, 2, 3}) g.push(v);
    for (int i = 0; i < 3; ++i) g.pop();
    BOOST_TEST(g.head() == 1);  // slot 0 again, holding the first word
    BOOST_TEST(!g.pop());
    BOOST_TEST(g.head() == 1);
    g.push(9);
    BOOST_TEST(g.head() == 9);  // the new word overwrites the stale slot
}

BOOST_AUTO_TEST_CASE(rejects_push_when_full) {
    fifo_core<std::uint8_t> f(2);
    f.push(1);
    f.push(2);
    BOOST_TEST(f.full());
    BOOST_CHECK_THROW(f.push(3), std::overflow_error);
    // The failed push changed nothing.
    BOOST_TEST(f.size() == 2u);
    BOOST_TEST(f.head() == 1);
    f.pop();
    BOOST_TEST(f.head() == 2);
}

BOOST_AUTO_TEST_CASE(high_water_tracks_the_peak) {
    fifo_core<int> f(8);
    BOOST_TEST(f.high_water() == 0u);
    for (int i = 0; i < 5; ++i) f.push(i);
    BOOST_TEST(f.high_water() == 5u);
    for (int i = 0; i < 4; ++i) f.pop();
    f.push(7);
    BOOST_TEST(f.high_water() == 5u);
    f.reset();
    BOOST_TEST(f.high_water() == 5u);  // a reset keeps the statistic
    for (int i = 0; i < 8; ++i) f.push(i);
    BOOST_TEST(f.high_water() == 8u);
}

BOOST_AUTO_TEST_CASE(reset_clears_pointers_but_keeps_storage) {
    fifo_core<int> f(4);
    for (int v : {10, 20, 30}) f.push(v);
    f.pop();
    f.reset();
    BOOST_TEST(f.empty());
    BOOST_TEST(f.size() == 0u);
    BOOST_TEST(f.head() == 10);  // slot 0 still holds the word written before the reset
    BOOST_TEST(!f.pop());
    f.push(40);
    BOOST_TEST(f.head() == 40);
    BOOST_TEST(f.size() == 1u);
}

BOOST_AUTO_TEST_CASE(random_traffic_matches_deque_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("fifo_core random seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 200; ++trial) {
        const std::size_t depth = 1 + rng() % 9;
        fifo_core<int> f(depth);
        std::deque<int> ref;
        std::vector<int> slots(depth, 0);  // what each storage slot holds, for the stale head
        std::size_t wr = 0, rd = 0, peak = 0;
        for (int op = 0; op < 300; ++op) {
            const unsigned kind = rng() % 10;
            if (kind < 4) {
                const int v = static_cast<int>(rng() % 1000);
                if (ref.size() == depth) {
                    BOOST_CHECK_THROW(f.push(v), std::overflow_error);
                } else {
                    f.push(v);
                    ref.push_back(v);
                    slots[wr] = v;
                    wr = (wr + 1) % depth;
                    peak = std::max(peak, ref.size());
                }
            } else if (kind < 8) {
                const bool popped = f.pop();
                BOOST_TEST(popped == !ref.empty());
                if (!ref.empty()) {
                    ref.pop_front();
                    rd = (rd + 1) % depth;
                }
            } else if (kind == 8 && rng() % 8 == 0) {
                f.reset();
                ref.clear();
                wr = rd = 0;
            }
            BOOST_TEST_REQUIRE(f.size() == ref.size(), "seed " << seed << " trial " << trial << " op " << op);
            BOOST_TEST(f.empty() == ref.empty());
            BOOST_TEST(f.full() == (ref.size() == depth));
            BOOST_TEST(f.high_water() == peak);
            const int expect = ref.empty() ? slots[rd] : ref.front();
            BOOST_TEST_REQUIRE(f.head() == expect, "seed " << seed << " trial " << trial << " op " << op);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
