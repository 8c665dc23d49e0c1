// Timing rules of docs/rtl-reference.md sections 2-3, checked at the cycle of each
// event on a hand-driven accel_core (any R x C).
#include <boost/test/unit_test.hpp>

#include "pe/accel_core.h"

#include <vector>

using namespace satlm;

namespace {

struct bench {
    accel_config cfg;
    std::vector<std::uint8_t> word;
    explicit bench(unsigned rows, unsigned cols, unsigned act_bits = 4) {
        cfg.arch.rows = rows;
        cfg.arch.cols = cols;
        cfg.layer.act_bits = act_bits;
        word.assign((cfg.arch.xmem_width() + 7) / 8, 0x11);
    }
};

/// Fills L0 with `n` words straight from xmem (write, read, l0_wr), then returns the core.
void fill_l0(accel_core& core, bench& b, unsigned n) {
    instruction in;
    for (unsigned i = 0; i < n + 1; ++i) {
        in = {};
        in.xmem_en = in.xmem_wr = true;
        in.xmem_addr = i;
        b.word[0] = static_cast<std::uint8_t>(0x10 + (i & 0xF));
        in.xmem_data = b.word.data();
        core.step(in);
    }
    for (unsigned i = 0; i <= n; ++i) {
        in = {};
        in.xmem_en = true;
        in.xmem_addr = i;
        in.l0_wr = i > 0;  // Q of the read issued one cycle earlier
        core.step(in);
    }
    core.step(instruction{});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(timing)

BOOST_AUTO_TEST_CASE(weight_latch_wave_4bit) {
    for (auto [R, C] : {std::pair{8u, 8u}, std::pair{4u, 16u}, std::pair{16u, 4u}}) {
        bench b(R, C);
        accel_core core(b.cfg);
        core.array().probe(true);
        fill_l0(core, b, C);
        instruction ld;
        ld.load = ld.l0_rd = true;
        const std::int64_t S = static_cast<std::int64_t>(core.cycle()) + 1;  // edge the core samples it
        for (unsigned i = 0; i < C; ++i) core.step(ld);
        for (unsigned i = 0; i < 3 * C + R; ++i) core.step(instruction{});
        for (unsigned r = 0; r < R; ++r)
            for (unsigned c = 0; c < C; ++c)
                BOOST_TEST(core.array().first_latch_lo(r, c) == S + 1 + r + 2 * c, "PE(" << r << "," << c << ")");
    }
}

BOOST_AUTO_TEST_CASE(weight_latch_wave_2bit) {
    const unsigned R = 8, C = 8;
    bench b(R, C, 2);
    accel_core core(b.cfg);
    core.array().probe(true);
    fill_l0(core, b, 2 * C);
    instruction ld;
    ld.load = ld.l0_rd = true;
    const std::int64_t S = static_cast<std::int64_t>(core.cycle()) + 1;
    for (unsigned i = 0; i < 2 * C; ++i) core.step(ld);  // the 2C-cycle load window suffices
    for (unsigned i = 0; i < 4 * C + R; ++i) core.step(instruction{});
    for (unsigned r = 0; r < R; ++r)
        for (unsigned c = 0; c < C; ++c) {
            BOOST_TEST(core.array().first_latch_lo(r, c) == S + 1 + r + 3 * c);
            BOOST_TEST(core.array().first_latch_hi(r, c) == S + 2 + r + 3 * c);
        }
}

BOOST_AUTO_TEST_CASE(execute_wave_and_first_psums) {
    for (auto [R, C] : {std::pair{8u, 8u}, std::pair{16u, 16u}, std::pair{4u, 12u}}) {
        bench b(R, C);
        accel_core core(b.cfg);
        core.array().probe(true);
        const unsigned N = 20;
        fill_l0(core, b, C + N);
        instruction ld;
        ld.load = ld.l0_rd = true;
        for (unsigned i = 0; i < C; ++i) core.step(ld);
        for (unsigned i = 0; i < 3 * C + R; ++i) core.step(instruction{});
        instruction ex;
        ex.execute = ex.l0_rd = true;
        const std::int64_t E = static_cast<std::int64_t>(core.cycle()) + 1;
        for (unsigned i = 0; i < N; ++i) core.step(ex);
        for (unsigned i = 0; i < R + C + 4; ++i) core.step(instruction{});
        for (unsigned r = 0; r < R; ++r)
            for (unsigned c = 0; c < C; ++c) BOOST_TEST(core.array().first_execute(r, c) == E + 1 + r + c);
        BOOST_TEST(core.first_execute_pe00() == E + 1);
        for (unsigned c = 0; c < C; ++c) BOOST_TEST(core.first_push(c) - core.first_execute_pe00() == R + c);
        BOOST_TEST(core.ofifo().size(0) == N);
        BOOST_TEST(core.ofifo().o_valid());
    }
}

BOOST_AUTO_TEST_CASE(sram_read_latency_and_l0_skew) {
    bench b(8, 8);
    accel_core core(b.cfg);
    instruction w;
    w.xmem_en = w.xmem_wr = true;
    w.xmem_addr = 3;
    b.word[0] = 0x5A;
    w.xmem_data = b.word.data();
    core.step(w);
    instruction rd;
    rd.xmem_en = true;
    rd.xmem_addr = 3;
    core.step(rd);
    core.step(instruction{});  // the core registers the read at this edge
    core.step(instruction{});
    BOOST_TEST(core.xmem().q()[0] == 0x5A);
    // one l0_wr then l0_rd: row r pops r + 1 edges after the edge that samples l0_rd
    instruction l0w;
    l0w.l0_wr = true;
    core.step(l0w);
    core.step(instruction{});
    BOOST_TEST(core.l0().size(7) == 1u);
    instruction l0r;
    l0r.l0_rd = true;
    core.step(l0r);
    core.step(instruction{});  // edge that samples l0_rd
    for (unsigned r = 0; r < 8; ++r) {
        for (unsigned q = 0; q < 8; ++q) BOOST_TEST(core.l0().size(q) == (q < r ? 0u : 1u));
        core.step(instruction{});
    }
}

BOOST_AUTO_TEST_CASE(sfu_adds_k2_reads_in_k2_plus_1_cycles) {
    // docs/rtl-reference.md 3.8: a pmem read at edge n is added at edge n+1, so 9 reads and their
    // 9 adds take 10 cycles; each add lands exactly one edge after its read.
    for (const unsigned cols : {8u, 3u, 16u}) {
        bench b(8, cols);
        accel_core core(b.cfg);
        const unsigned k2 = 9;
        auto value = [](unsigned a, unsigned c) { return std::int64_t(a + 1) * (c % 2 ? -3 : 5) + c; };
        for (unsigned a = 0; a < k2; ++a)
            for (unsigned c = 0; c < cols; ++c)
                sram_core::set_lane(core.pmem().word(a), c, 16, static_cast<std::uint64_t>(value(a, c)) & 0xFFFF);
        instruction clear;
        clear.reset = true;
        core.step(clear);
        core.step(instruction{});  // the edge that acts on the reset
        for (unsigned c = 0; c < cols; ++c) BOOST_TEST_REQUIRE(core.sfu().acc(c) == 0);
        for (unsigned j = 0; j <= k2; ++j) {  // k^2 + 1 instruction cycles
            instruction in;
            in.pmem_en = j < k2;
            in.pmem_addr = j;
            in.acc = j >= 1;
            core.step(in);
            // After the edge that acted on cycle j-1's instruction: the adds of reads 0..j-3.
            const unsigned added = j >= 2 ? j - 1 : 0;
            for (unsigned c = 0; c < cols; ++c) {
                std::int64_t want = 0;
                for (unsigned a = 0; a < added; ++a) want += value(a, c);
                BOOST_TEST(core.sfu().acc(c) == want, "cols " << cols << " cycle " << j << " col " << c);
            }
        }
        core.step(instruction{});  // acts on the last add: all k^2 psums are in, k^2 + 1 cycles on
        for (unsigned c = 0; c < cols; ++c) {
            std::int64_t want = 0;
            for (unsigned a = 0; a < k2; ++a) want += value(a, c);
            BOOST_TEST(core.sfu().acc(c) == want, "cols " << cols << " col " << c);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
