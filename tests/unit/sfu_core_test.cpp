// sfu_core (pe/sfu_core.h): the per-column accumulator and output pipeline alone: adds of
// pmem Q lag the reads by the read latency, psum_bits wrap, ReLU on the way out, clear and
// load, and random sequences against a reference.
#include <boost/test/unit_test.hpp>

#include "pe/sfu_core.h"
#include "sram/sram_core.h"
#include "tlm/bits.h"

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <random>
#include <vector>

using namespace satlm;

namespace {
/// SATLM_TEST_SEED reproduces a run; otherwise a fresh seed, printed with --log_level=message.
unsigned test_seed() {
    if (const char* s = std::getenv("SATLM_TEST_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

void add(sfu_core& s, std::vector<std::int32_t> q) { s.clock(false, true, false, q.data(), false, false); }
void idle(sfu_core& s, unsigned cols) {
    std::vector<std::int32_t> q(cols, 0);
    s.clock(false, false, false, q.data(), false, false);
}
void out(sfu_core& s, unsigned cols, bool relu) {
    std::vector<std::int32_t> q(cols, 0);
    s.clock(false, false, false, q.data(), true, relu);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sfu_core_suite)

BOOST_AUTO_TEST_CASE(accumulates_per_column) {
    sfu_core s(3, 16, 1);
    for (unsigned c = 0; c < 3; ++c) BOOST_TEST(s.acc(c) == 0);
    add(s, {1, -2, 300});
    add(s, {10, -20, 3000});
    BOOST_TEST(s.acc(0) == 11);
    BOOST_TEST(s.acc(1) == -22);
    BOOST_TEST(s.acc(2) == 3300);
    idle(s, 3);  // no add: the accumulator holds
    BOOST_TEST(s.acc(0) == 11);
}

BOOST_AUTO_TEST_CASE(wraps_at_psum_bits) {
    sfu_core s(2, 16, 1);
    add(s, {32767, -32768});
    add(s, {1, -1});
    BOOST_TEST(s.acc(0) == -32768);
    BOOST_TEST(s.acc(1) == 32767);
    sfu_core n(1, 8, 1);
    for (int i = 0; i < 3; ++i) add(n, {100});
    BOOST_TEST(n.acc(0) == wrap_signed(300, 8));
    BOOST_TEST(n.acc(0) == 44);
    sfu_core w(1, 32, 1);
    add(w, {2147483647});
    add(w, {1});
    BOOST_TEST(w.acc(0) == INT32_MIN);
    // A load wraps the Q value too.
    sfu_core l(1, 8, 1);
    std::int32_t q = 200;
    l.clock(false, false, true, &q, false, false);
    BOOST_TEST(l.acc(0) == -56);
}

BOOST_AUTO_TEST_CASE(clear_load_and_priority) {
    sfu_core s(2, 16, 1);
    add(s, {5, 6});
    std::vector<std::int32_t> q = {100, 200};
    s.clock(false, false, true, q.data(), false, false);  // load: acc <= q
    BOOST_TEST(s.acc(0) == 100);
    BOOST_TEST(s.acc(1) == 200);
    s.clock(true, true, false, q.data(), false, false);  // clear wins over add
    BOOST_TEST(s.acc(0) == 0);
    BOOST_TEST(s.acc(1) == 0);
    add(s, {1, 1});
    s.clock(false, true, true, q.data(), false, false);  // load wins over add
    BOOST_TEST(s.acc(0) == 100);
    add(s, {1, 1});
    s.reset();
    BOOST_TEST(s.acc(0) == 0);
    BOOST_TEST(s.acc(1) == 0);
}

BOOST_AUTO_TEST_CASE(relu_on_the_way_out) {
    sfu_core s(3, 16, 1);
    add(s, {-5, 0, 7});
    out(s, 3, true);
    BOOST_TEST(s.out_relu());
    BOOST_TEST(s.out_value(0) == 0);
    BOOST_TEST(s.out_value(1) == 0);
    BOOST_TEST(s.out_value(2) == 7);
    BOOST_TEST(s.out_sum(0) == -5);  // the pre-ReLU sum stays visible (partial write-back)
    out(s, 3, false);
    BOOST_TEST(!s.out_relu());
    BOOST_TEST(s.out_value(0) == -5);
    // A wrapped sum is negative, so ReLU zeroes it.
    sfu_core w(1, 16, 1);
    add(w, {30000});
    add(w, {30000});
    out(w, 1, true);
    BOOST_TEST(w.out_sum(0) == wrap_signed(60000, 16));
    BOOST_TEST(w.out_value(0) == 0);
}

BOOST_AUTO_TEST_CASE(output_stage_takes_the_pre_edge_accumulator) {
    sfu_core s(1, 16, 1);
    add(s, {4});
    std::int32_t q = 3;
    s.clock(false, true, false, &q, true, false);  // out and add at the same edge
    BOOST_TEST(s.out_sum(0) == 4);                 // the output register saw the old sum
    BOOST_TEST(s.acc(0) == 7);
    s.clock(true, false, false, &q, true, false);  // out and clear at the same edge
    BOOST_TEST(s.out_sum(0) == 7);
    BOOST_TEST(s.acc(0) == 0);
}

BOOST_AUTO_TEST_CASE(output_latency_stages) {
    for (unsigned L = 1; L <= 5; ++L) {
        sfu_core s(2, 16, L);
        add(s, {-9, 9});
        out(s, 2, true);
        for (unsigned i = 1; i < L; ++i) {
            BOOST_TEST_REQUIRE(s.out_sum(0) == 0, "latency " << L << " after " << i << " edges");
            idle(s, 2);
        }
        BOOST_TEST_REQUIRE(s.out_sum(0) == -9, "latency " << L);
        BOOST_TEST(s.out_value(0) == 0);
        BOOST_TEST(s.out_value(1) == 9);
        BOOST_TEST(s.out_relu());
        // The stage keeps its value until the next output step moves through.
        add(s, {1, 1});
        idle(s, 2);
        BOOST_TEST(s.out_sum(0) == -9);
    }
    sfu_core z(1, 16, 0);  // latency 0 is taken as 1
    add(z, {3});
    out(z, 1, false);
    BOOST_TEST(z.out_sum(0) == 3);
}

BOOST_AUTO_TEST_CASE(accumulate_lags_reads_by_the_read_latency) {
    // pmem reads of 9 words at edges 0..8; Q of the read at edge n is there at edge n + L, so
    // the adds run at edges L..8+L (k^2 + L cycles in all). Adding one edge early or late
    // takes a wrong word.
    for (unsigned L = 1; L <= 3; ++L) {
        const unsigned cols = 4, bits = 16;
        sram_core pmem(32, cols * bits, L);
        std::int64_t expect[cols] = {};
        for (unsigned a = 0; a < 32; ++a) {
            std::vector<std::uint8_t> w(pmem.word_bytes(), 0);
            for (unsigned c = 0; c < cols; ++c) {
                const std::int64_t v = static_cast<std::int64_t>(a * 37 + c * 1000) - 500;
                sram_core::set_lane(w.data(), c, bits, to_field(v, bits));
                if (a >= 3 && a < 12) expect[c] += v;
            }
            pmem.clock_write(a, w.data());
        }
        for (int shift : {-1, 0, 1}) {
            sfu_core s(cols, bits, 1);
            for (unsigned e = 0; e < 9 + L + 2; ++e) {
                std::vector<std::int32_t> q(cols);
                for (unsigned c = 0; c < cols; ++c)
                    q[c] = static_cast<std::int32_t>(sign_extend(sram_core::get_lane(pmem.q(), c, bits), bits));
                const int first = static_cast<int>(L) + shift;
                const bool acc = static_cast<int>(e) >= first && static_cast<int>(e) < first + 9;
                s.clock(false, acc, false, q.data(), false, false);  // pre-edge Q
                if (e < 9) pmem.clock_read(3 + e);
                else pmem.clock_idle();
            }
            for (unsigned c = 0; c < cols; ++c) {
                if (shift == 0)
                    BOOST_TEST_REQUIRE(s.acc(c) == wrap_signed(expect[c], bits), "latency " << L << " column " << c);
                else
                    BOOST_TEST_REQUIRE(s.acc(c) != wrap_signed(expect[c], bits), "latency " << L << " shift " << shift);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(random_sequences_match_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("sfu_core seed " << seed);
    std::mt19937 rng(seed);
    for (int trial = 0; trial < 100; ++trial) {
        const unsigned C = 1 + rng() % 16;
        const unsigned bits = 8 + rng() % 25;  // 8..32
        const unsigned L = 1 + rng() % 4;
        sfu_core s(C, bits, L);
        std::vector<std::int64_t> acc(C, 0);
        std::deque<std::pair<std::vector<std::int64_t>, bool>> stages(L, {std::vector<std::int64_t>(C, 0), false});
        for (int edge = 0; edge < 200; ++edge) {
            const bool clear = rng() % 10 == 0, add_ = rng() % 2, load = rng() % 10 == 0;
            const bool o = rng() % 4 == 0, relu_ = rng() % 2;
            std::vector<std::int32_t> q(C);
            for (auto& v : q) v = static_cast<std::int32_t>(wrap_signed(static_cast<std::int64_t>(rng()), bits));
            if (rng() % 50 == 0) {
                s.reset();
                std::fill(acc.begin(), acc.end(), 0);
            } else {
                s.clock(clear, add_, load, q.data(), o, relu_);
                // Stage 0 takes the pre-edge accumulator on `out` and holds otherwise.
                const auto head = o ? std::pair{acc, relu_} : stages.front();
                stages.pop_back();
                stages.push_front(head);
                for (unsigned c = 0; c < C; ++c) {
                    if (clear) acc[c] = 0;
                    else if (load) acc[c] = wrap_signed(q[c], bits);
                    else if (add_) acc[c] = wrap_signed(acc[c] + q[c], bits);
                }
            }
            const auto& last = stages.back();
            for (unsigned c = 0; c < C; ++c) {
                BOOST_TEST_REQUIRE(s.acc(c) == acc[c], "seed " << seed << " trial " << trial << " edge " << edge);
                BOOST_TEST_REQUIRE(s.out_sum(c) == last.first[c], "seed " << seed << " trial " << trial << " edge " << edge);
                BOOST_TEST_REQUIRE(s.out_value(c) == (last.second ? relu(last.first[c]) : last.first[c]),
                                   "seed " << seed << " trial " << trial << " edge " << edge);
            }
            BOOST_TEST_REQUIRE(s.out_relu() == last.second, "seed " << seed << " trial " << trial);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
