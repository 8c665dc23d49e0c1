// pe_array_core (pe/pe_array_core.h): the weight-stationary array alone. Directed cases for the
// weight latch, the 4-bit and 2-bit products (including -8 weights and the largest
// activations), column sums, psum wrap at psum_bits and re-arming; then random instruction
// streams against a register-level reference written from docs/rtl-reference.md 3.4, 3.5, 5
// (the pushes of every edge and, between edges, the next edge's push as the RTL's wires hold it).
// Event cycles at the whole-core level are in timing_test.cpp, not here.
#include <boost/test/unit_test.hpp>

#include "pe/pe_array_core.h"
#include "tlm/bits.h"

#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

using namespace satlm;

namespace {
/// SATLM_TEST_SEED reproduces a run; otherwise a fresh seed, printed with --log_level=message.
unsigned test_seed() {
    if (const char* s = std::getenv("SATLM_TEST_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}

std::uint8_t nib(int w) { return static_cast<std::uint8_t>(w & 0xF); }

/// Per-column OFIFO pushes seen while driving one instruction window.
using pushes = std::vector<std::vector<std::int32_t>>;

/// Holds {load, execute} for `n` edges from the next edge S (rearm on the first edge only, as
/// the overlapped schedule pulses it) and feeds row r element j at edge S + 1 + r + j, the way
/// L0 row r's head moves under the skewed read; then idles until the array drains.
pushes drive(pe_array_core& a, const std::vector<std::vector<std::uint8_t>>& streams, unsigned n,
             bool load, bool execute, bool rearm = false) {
    const unsigned R = a.rows(), C = a.cols();
    pushes out(C);
    std::vector<std::uint8_t> west(R, 0);
    const unsigned total = n + 2 * R + 3 * C + 8;
    for (unsigned t = 0; t < total; ++t) {
        for (unsigned r = 0; r < R; ++r)
            west[r] = (t >= 1 + r && t - 1 - r < streams[r].size()) ? streams[r][t - 1 - r] : 0;
        a.clock(west.data(), load && t < n, execute && t < n, rearm && t == 0);
        for (unsigned c = 0; c < C; ++c)
            if (a.push_valid()[c]) out[c].push_back(a.push_value()[c]);
    }
    BOOST_TEST(!a.busy());
    return out;
}

/// Loads W[c][r] (4-bit mode) or {lo, hi} = {W[c][2r], W[c][2r+1]} (2-bit mode) into PE(r, c).
void load_weights(pe_array_core& a, const std::vector<std::vector<int>>& W, bool two_bit, bool rearm = false) {
    const unsigned R = a.rows(), C = a.cols();
    std::vector<std::vector<std::uint8_t>> s(R);
    for (unsigned r = 0; r < R; ++r)
        for (unsigned c = 0; c < C; ++c) {
            if (two_bit) {
                s[r].push_back(nib(W[c][2 * r]));
                s[r].push_back(nib(W[c][2 * r + 1]));
            } else {
                s[r].push_back(nib(W[c][r]));
            }
        }
    const auto p = drive(a, s, two_bit ? 2 * C : C, true, false, rearm);
    for (unsigned c = 0; c < C; ++c) BOOST_TEST(p[c].empty());  // a load pushes nothing
}

/// Executes activation vectors act[n][lane] (lane r = one 4-bit nibble per row).
pushes execute(pe_array_core& a, const std::vector<std::vector<std::uint8_t>>& act) {
    const unsigned R = a.rows();
    std::vector<std::vector<std::uint8_t>> s(R);
    for (const auto& v : act)
        for (unsigned r = 0; r < R; ++r) s[r].push_back(v[r]);
    return drive(a, s, static_cast<unsigned>(act.size()), false, true);
}

/// Register-level reference of the array: one struct per PE, full evaluation every edge.
class ref_array {
public:
    ref_array(unsigned R, unsigned C, unsigned psum_bits, bool two_bit)
        : m_R(R), m_C(C), m_bits(psum_bits), m_two(two_bit), m_pe(R * C), m_st(R), m_valid(C, 0), m_value(C, 0) {}

    struct pe {
        unsigned a = 0;
        bool ld = false, ex = false, rm = false;
        unsigned cnt = 0;
        int wl = 0, wh = 0;
        std::int64_t cq = 0;
    };
    struct bits3 {
        bool ld = false, ex = false, rm = false;
    };

    void reset() {
        for (auto& p : m_pe) p.ld = p.ex = p.rm = false, p.cnt = 0;
        for (auto& s : m_st) s = {};
        std::fill(m_valid.begin(), m_valid.end(), 0);
    }

    void clock(const std::uint8_t* west, bool load, bool execute, bool rearm) {
        const std::vector<pe> old = m_pe;
        for (unsigned c = 0; c < m_C; ++c) {
            const std::size_t b = idx(m_R - 1, c);
            m_valid[c] = old[b].ex;
            m_value[c] = static_cast<std::int32_t>(out_s(old[b]));
        }
        const unsigned need = m_two ? 2 : 1;
        for (unsigned r = 0; r < m_R; ++r)
            for (unsigned c = 0; c < m_C; ++c) {
                pe& p = m_pe[idx(r, c)];
                const unsigned in_w = c == 0 ? west[r] : old[idx(r, c - 1)].a;
                const bits3 w = c == 0 ? m_st[r] : bits3{old[idx(r, c - 1)].ld, old[idx(r, c - 1)].ex, old[idx(r, c - 1)].rm};
                const unsigned k = w.rm ? 0 : old[idx(r, c)].cnt;
                const bool ready = k < need;  // the RTL's load_ready_q (counted in 2-bit mode)
                if (w.ld && ready) {
                    const int s = static_cast<int>(sign_extend(in_w, 4));
                    if (k == 0) p.wl = s;
                    else p.wh = s;
                    p.cnt = k + 1;
                } else {
                    p.cnt = k;
                }
                if (!ready) p.ld = w.ld;
                p.ex = w.ex;
                p.rm = w.rm;
                if (w.ld || w.ex) p.a = in_w;
                p.cq = r == 0 ? 0 : out_s(old[idx(r - 1, c)]);
            }
        for (unsigned r = m_R - 1; r > 0; --r) m_st[r] = m_st[r - 1];
        m_st[0] = {load, execute, rearm};
    }

    bool valid(unsigned c) const { return m_valid[c] != 0; }
    std::int32_t value(unsigned c) const { return m_value[c]; }
    /// The RTL's valid[c] and out_s between edges: the bottom PE's execute bit and output.
    bool next_valid(unsigned c) const { return at(m_R - 1, c).ex; }
    std::int32_t next_value(unsigned c) const { return static_cast<std::int32_t>(out_s(at(m_R - 1, c))); }
    const pe& at(unsigned r, unsigned c) const { return m_pe[idx(r, c)]; }
    bool busy() const {
        for (const auto& p : m_pe)
            if (p.ld || p.ex || p.rm) return true;
        for (const auto& s : m_st)
            if (s.ld || s.ex || s.rm) return true;
        return false;
    }

private:
    std::size_t idx(unsigned r, unsigned c) const { return std::size_t{r} * m_C + c; }
    std::int64_t out_s(const pe& p) const {
        // 4-bit mode: the whole unsigned nibble times the one weight; 2-bit mode: two halves.
        const std::int64_t prod = m_two ? std::int64_t{p.a & 3u} * p.wl + std::int64_t{p.a >> 2} * p.wh
                                        : std::int64_t{p.a} * p.wl;
        return wrap_signed(prod + p.cq, m_bits);
    }

    unsigned m_R, m_C, m_bits;
    bool m_two;
    std::vector<pe> m_pe;
    std::vector<bits3> m_st;
    std::vector<std::uint8_t> m_valid;
    std::vector<std::int32_t> m_value;
};
}  // namespace

BOOST_AUTO_TEST_SUITE(pe_array_core_suite)

BOOST_AUTO_TEST_CASE(latches_the_first_value_seen_and_passes_the_rest_east) {
    pe_array_core a(1, 2, 16, false);
    const std::uint8_t w3[1] = {3}, w9[1] = {9}, w5[1] = {5}, w0[1] = {0};
    a.clock(w3, true, false, false);   // edge S: the row stage samples load
    a.clock(w3, true, false, false);   // S+1: PE(0,0) latches 3
    BOOST_TEST(a.weight_lo(0, 0) == 3);
    a.clock(w9, true, false, false);   // S+2: PE(0,0) holds 3, passes 9 east and raises its load bit
    BOOST_TEST(a.weight_lo(0, 0) == 3);
    BOOST_TEST(a.act(0, 0) == 9u);
    a.clock(w5, false, false, false);  // S+3: PE(0,1) latches 9; PE(0,0) keeps 3
    BOOST_TEST(a.weight_lo(0, 0) == 3);
    BOOST_TEST(a.weight_lo(0, 1) == -7);  // nibble 9 is two's complement -7
    for (int i = 0; i < 6; ++i) a.clock(w0, false, false, false);
    BOOST_TEST(a.weight_lo(0, 0) == 3);
    BOOST_TEST(a.weight_lo(0, 1) == -7);
    BOOST_TEST(a.weight_hi(0, 1) == -7);  // 4-bit mode: both halves use the one weight
    BOOST_TEST(!a.busy());
}

BOOST_AUTO_TEST_CASE(weight_nibbles_are_twos_complement) {
    for (int w = -8; w <= 7; ++w) {
        pe_array_core a(1, 1, 16, false);
        load_weights(a, {{w}}, false);
        BOOST_TEST_REQUIRE(a.weight_lo(0, 0) == w, "nibble " << int{nib(w)});
    }
}

BOOST_AUTO_TEST_CASE(four_bit_products_exhaustive) {
    pe_array_core a(1, 1, 16, false);
    for (int w = -8; w <= 7; ++w) {
        a.reset();
        load_weights(a, {{w}}, false);
        std::vector<std::vector<std::uint8_t>> act;
        for (unsigned x = 0; x < 16; ++x) act.push_back({static_cast<std::uint8_t>(x)});
        const auto p = execute(a, act);
        BOOST_TEST_REQUIRE(p[0].size() == 16u);
        for (unsigned x = 0; x < 16; ++x)
            BOOST_TEST_REQUIRE(p[0][x] == static_cast<int>(x) * w, "w " << w << " act " << x);
    }
    // The extremes: the largest activation times the most negative and positive weights.
    a.reset();
    load_weights(a, {{-8}}, false);
    BOOST_TEST(execute(a, {{15}})[0].at(0) == -120);
    a.reset();
    load_weights(a, {{7}}, false);
    BOOST_TEST(execute(a, {{15}})[0].at(0) == 105);
}

BOOST_AUTO_TEST_CASE(two_bit_products_exhaustive) {
    pe_array_core a(1, 1, 16, true);
    for (int lo = -8; lo <= 7; ++lo)
        for (int hi = -8; hi <= 7; ++hi) {
            a.reset();
            load_weights(a, {{lo, hi}}, true);
            BOOST_TEST_REQUIRE(a.weight_lo(0, 0) == lo);
            BOOST_TEST_REQUIRE(a.weight_hi(0, 0) == hi);
            std::vector<std::vector<std::uint8_t>> act;
            for (unsigned x = 0; x < 16; ++x) act.push_back({static_cast<std::uint8_t>(x)});
            const auto p = execute(a, act);
            BOOST_TEST_REQUIRE(p[0].size() == 16u);
            for (unsigned x = 0; x < 16; ++x) {
                // Lane x carries channel 2r in bits [1:0] and channel 2r+1 in bits [3:2].
                const int expect = static_cast<int>(x & 3) * lo + static_cast<int>(x >> 2) * hi;
                BOOST_TEST_REQUIRE(p[0][x] == expect, "lo " << lo << " hi " << hi << " act " << x);
            }
        }
    a.reset();
    load_weights(a, {{-8, -8}}, true);
    BOOST_TEST(execute(a, {{15}})[0].at(0) == -48);  // 3 x -8 + 3 x -8
}

BOOST_AUTO_TEST_CASE(columns_sum_their_rows) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("pe_array_core column sums seed " << seed);
    std::mt19937 rng(seed);
    for (bool two_bit : {false, true})
        for (auto [R, C] : {std::pair{8u, 8u}, std::pair{3u, 5u}, std::pair{5u, 2u}, std::pair{1u, 7u}, std::pair{16u, 16u}}) {
            const unsigned ch = two_bit ? 2 * R : R;
            std::vector<std::vector<int>> W(C, std::vector<int>(ch));
            for (auto& col : W)
                for (auto& w : col) w = static_cast<int>(rng() % 16) - 8;
            pe_array_core a(R, C, 16, two_bit);
            load_weights(a, W, two_bit);
            for (unsigned r = 0; r < R; ++r)
                for (unsigned c = 0; c < C; ++c) {
                    BOOST_TEST_REQUIRE(a.weight_lo(r, c) == W[c][two_bit ? 2 * r : r], "seed " << seed);
                    if (two_bit) BOOST_TEST_REQUIRE(a.weight_hi(r, c) == W[c][2 * r + 1], "seed " << seed);
                }
            const unsigned N = 1 + rng() % 40;
            std::vector<std::vector<std::uint8_t>> act(N, std::vector<std::uint8_t>(R));
            for (auto& v : act)
                for (auto& x : v) x = static_cast<std::uint8_t>(rng() % 16);
            const auto p = execute(a, act);
            for (unsigned c = 0; c < C; ++c) {
                BOOST_TEST_REQUIRE(p[c].size() == N, "seed " << seed << " column " << c);
                for (unsigned n = 0; n < N; ++n) {
                    std::int64_t sum = 0;
                    for (unsigned r = 0; r < R; ++r)
                        sum += two_bit ? (act[n][r] & 3) * W[c][2 * r] + (act[n][r] >> 2) * W[c][2 * r + 1]
                                       : act[n][r] * W[c][r];
                    BOOST_TEST_REQUIRE(p[c][n] == sum, "seed " << seed << " R " << R << " C " << C << " 2-bit " << two_bit
                                                            << " column " << c << " position " << n);
                }
            }
        }
}

BOOST_AUTO_TEST_CASE(psum_wraps_at_psum_bits) {
    // A column of R rows, each 15 x w, summed in psum_bits two's complement.
    struct wcase {
        unsigned rows, bits;
        int w;
        std::int64_t expect;
    };
    for (const wcase k : {wcase{2, 8, 7, -46},            // 210 -> -46
                          wcase{3, 8, -8, -104},          // -360 -> -104
                          wcase{40, 12, 7, 104},          // 4200 -> 104
                          wcase{313, 16, 7, -32671},      // 32865 -> -32671
                          wcase{274, 16, -8, 32656},      // -32880 -> 32656
                          wcase{313, 20, 7, 32865}}) {    // fits in 20 bits
        pe_array_core a(k.rows, 1, k.bits, false);
        load_weights(a, {std::vector<int>(k.rows, k.w)}, false);
        const auto p = execute(a, {std::vector<std::uint8_t>(k.rows, 15)});
        BOOST_TEST_REQUIRE(p[0].size() == 1u);
        BOOST_TEST(p[0][0] == k.expect, "rows " << k.rows << " psum_bits " << k.bits);
        BOOST_TEST(k.expect == wrap_signed(std::int64_t{15} * k.w * k.rows, k.bits));
    }
}

BOOST_AUTO_TEST_CASE(weights_rearm_only_by_reset_or_rearm_bit) {
    for (bool two_bit : {false, true}) {
        const unsigned R = 4, C = 3, ch = two_bit ? 8 : 4;
        std::vector<std::vector<int>> W1(C, std::vector<int>(ch)), W2 = W1, W3 = W1;
        for (unsigned c = 0; c < C; ++c)
            for (unsigned i = 0; i < ch; ++i) {
                W1[c][i] = static_cast<int>((c * 5 + i) % 16) - 8;
                W2[c][i] = static_cast<int>((c * 3 + i + 7) % 16) - 8;
                W3[c][i] = static_cast<int>((c + 2 * i + 1) % 16) - 8;
            }
        pe_array_core a(R, C, 16, two_bit);
        auto check = [&](const std::vector<std::vector<int>>& W, const char* what) {
            for (unsigned r = 0; r < R; ++r)
                for (unsigned c = 0; c < C; ++c) {
                    BOOST_TEST_REQUIRE(a.weight_lo(r, c) == W[c][two_bit ? 2 * r : r], what << " PE(" << r << "," << c << ")");
                    if (two_bit) BOOST_TEST_REQUIRE(a.weight_hi(r, c) == W[c][2 * r + 1], what << " PE(" << r << "," << c << ")");
                }
        };
        load_weights(a, W1, two_bit);
        check(W1, "first load");
        load_weights(a, W2, two_bit);  // no reset: every PE is already loaded, the wave passes through
        check(W1, "second load without re-arm");
        a.reset();
        load_weights(a, W2, two_bit);
        check(W2, "load after reset");
        load_weights(a, W3, two_bit, true);  // rearm pulse with the first load edge
        check(W3, "load with rearm");
        load_weights(a, W1, two_bit);
        check(W3, "load after rearm, without another");
    }
}

BOOST_AUTO_TEST_CASE(reset_drops_instructions_in_flight) {
    pe_array_core a(4, 4, 16, false);
    std::vector<std::uint8_t> west(4, 5);
    a.clock(west.data(), false, true, false);
    a.clock(west.data(), false, true, false);
    BOOST_TEST(a.busy());
    a.reset();
    BOOST_TEST(!a.busy());
    for (int i = 0; i < 20; ++i) {
        a.clock(west.data(), false, false, false);
        for (unsigned c = 0; c < 4; ++c) BOOST_TEST_REQUIRE(a.push_valid()[c] == 0);
    }
}

BOOST_AUTO_TEST_CASE(random_streams_match_register_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("pe_array_core random seed " << seed);
    std::mt19937 rng(seed);
    const unsigned widths[] = {8, 12, 16, 20, 32};
    for (int trial = 0; trial < 120; ++trial) {
        const unsigned R = 1 + rng() % 10, C = 1 + rng() % 10;
        const unsigned bits = widths[rng() % 5];
        const bool two_bit = rng() % 2;
        pe_array_core dut(R, C, bits, two_bit);
        ref_array ref(R, C, bits, two_bit);
        std::vector<std::uint8_t> west(R);
        // Bursts of one kind of instruction, idle stretches (long enough for the array to go
        // quiet), and occasional resets.
        int left = 0;
        bool ld = false, ex = false;
        for (int edge = 0; edge < 400; ++edge) {
            if (left == 0) {
                const unsigned kind = rng() % 6;
                ld = kind == 0 || kind == 5;
                ex = kind == 1 || kind == 5;
                left = 1 + static_cast<int>(rng() % (kind == 2 ? 80 : 20));
            }
            --left;
            for (auto& w : west) w = static_cast<std::uint8_t>(rng() % 16);
            if (rng() % 100 == 0) {
                dut.reset();
                ref.reset();
            } else {
                const bool rm = ld && rng() % 16 == 0;
                dut.clock(west.data(), ld, ex, rm);
                ref.clock(west.data(), ld, ex, rm);
            }
            for (unsigned c = 0; c < C; ++c) {
                BOOST_TEST_REQUIRE((dut.push_valid()[c] != 0) == ref.valid(c),
                                   "seed " << seed << " trial " << trial << " edge " << edge << " column " << c);
                if (ref.valid(c))
                    BOOST_TEST_REQUIRE(dut.push_value()[c] == ref.value(c),
                                       "seed " << seed << " trial " << trial << " edge " << edge << " column " << c);
                // Between edges (what a waveform shows): the next edge's push.
                BOOST_TEST_REQUIRE(dut.next_push_valid(c) == ref.next_valid(c),
                                   "seed " << seed << " trial " << trial << " edge " << edge << " column " << c);
                BOOST_TEST_REQUIRE(dut.next_push_value(c) == (ref.next_valid(c) ? ref.next_value(c) : 0),
                                   "seed " << seed << " trial " << trial << " edge " << edge << " column " << c);
            }
            for (unsigned r = 0; r < R; ++r)
                for (unsigned c = 0; c < C; ++c) {
                    const auto& p = ref.at(r, c);
                    BOOST_TEST_REQUIRE(dut.weight_lo(r, c) == p.wl, "seed " << seed << " trial " << trial << " edge " << edge);
                    if (two_bit) BOOST_TEST_REQUIRE(dut.weight_hi(r, c) == p.wh, "seed " << seed << " trial " << trial << " edge " << edge);
                    BOOST_TEST_REQUIRE(dut.execute_bit(r, c) == p.ex, "seed " << seed << " trial " << trial << " edge " << edge);
                    BOOST_TEST_REQUIRE(dut.act(r, c) == p.a, "seed " << seed << " trial " << trial << " edge " << edge);
                }
            BOOST_TEST_REQUIRE(dut.busy() == ref.busy(), "seed " << seed << " trial " << trial << " edge " << edge);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
