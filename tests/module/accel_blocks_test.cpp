// The blocks of the structural top (accel/), each driven alone through its ports: a driver
// thread writes the instruction word and the block's inputs, ticks the block's clock, and after
// every edge checks the block's outputs against the block's plain C++ core (or, for the memory
// ports, an sram_core) stepped with the same inputs. Random stimulus, a few thousand edges each.
// ctest-cases: accel_blocks/l0_block_follows_its_core accel_blocks/array_block_follows_its_core
// ctest-cases: accel_blocks/ofifo_block_follows_its_core accel_blocks/sfu_block_follows_its_core
// ctest-cases: accel_blocks/xmem_port_follows_the_macro accel_blocks/pmem_port_muxes_and_unpacks
#include "accel/array_block.h"
#include "accel/l0_block.h"
#include "accel/memory_port.h"
#include "accel/ofifo_block.h"
#include "accel/sfu_block.h"
#include "sram/memory_model.h"
#include "sram/sram_core.h"
#include "tlm/bits.h"

#include "support/sc_fixture.h"

#include <systemc>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <random>

using namespace satlm;

namespace {

constexpr unsigned edges = 3000;
const sc_core::sc_time period(1, sc_core::SC_NS);

/// The harness: a clock, the instruction word, and a driver that per edge calls `drive` (write
/// the inputs, step the reference), ticks, and calls `check` once the block's outputs settled.
struct harness : sc_core::sc_module {
    edge_clock clk{"clk"};
    wire<instruction_word> inst{"inst"};
    std::mt19937 rng{12345};
    std::function<void(unsigned)> drive, check;

    SC_HAS_PROCESS(harness);
    explicit harness(const sc_core::sc_module_name& n) : sc_core::sc_module(n) { SC_THREAD(run); }
    bool chance(unsigned percent) { return rng() % 100 < percent; }
    void run() {
        for (unsigned e = 0; e < edges; ++e) {
            drive(e);
            sc_core::wait(period);       // the inputs settle (update phase)
            clk.tick();                  // the edge: the block acts on them
            sc_core::wait(sc_core::SC_ZERO_TIME);  // its outputs update
            check(e);
        }
        sc_core::sc_stop();
    }
};

instruction_word word(const instruction& in) {
    instruction_word w;
    w.in = in;
    return w;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(accel_blocks, test::sc_fixture)

BOOST_AUTO_TEST_CASE(l0_block_follows_its_core) {
    const unsigned rows = 5, depth = 12;
    arch_keys arch;
    arch.l0_depth = depth;
    harness h("h");
    wire<byte_lanes> in("in", byte_lanes(3)), out("out", byte_lanes(rows));
    wire<bool> quiet("quiet");
    l0_block dut("l0", rows);
    dut.clk(h.clk);
    dut.inst(h.inst);
    dut.act_in(in);
    dut.act_out(out);
    dut.quiet(quiet);
    dut.start(arch);
    l0_fifo_core ref(rows, depth);
    h.drive = [&](unsigned) {
        instruction i;
        i.reset = h.chance(2);
        bool room = true;
        for (unsigned r = 0; r < rows; ++r) room = room && ref.size(r) + 1 < depth;
        i.l0_wr = room && h.chance(40);
        i.l0_rd = h.chance(45);
        byte_lanes w(3);
        for (auto& b : w.lanes) b = static_cast<std::uint8_t>(h.rng());
        h.inst.write(word(i));
        in.write(w);
        if (i.reset) ref.reset();
        else ref.clock(i.l0_wr, w.lanes.data(), i.l0_rd);
    };
    h.check = [&](unsigned e) {
        for (unsigned r = 0; r < rows; ++r) BOOST_TEST_REQUIRE(out.read().lanes[r] == ref.head(r), "edge " << e << " row " << r);
        BOOST_TEST_REQUIRE(quiet.read() == ref.read_idle(), "edge " << e);
    };
    sc_core::sc_start();
    BOOST_TEST(dut.core().high_water() == ref.high_water());
}

BOOST_AUTO_TEST_CASE(array_block_follows_its_core) {
    const unsigned rows = 4, cols = 6;
    arch_keys arch;
    layer_keys layer;
    harness h("h");
    wire<byte_lanes> west("west", byte_lanes(rows));
    wire<psum_bus> south("south", psum_bus(cols));
    wire<bool> quiet("quiet");
    array_block dut("array", rows, cols);
    dut.clk(h.clk);
    dut.inst(h.inst);
    dut.act_in(west);
    dut.psum_out(south);
    dut.quiet(quiet);
    dut.start(arch, layer);
    pe_array_core ref(rows, cols, layer.psum_bits, false);
    unsigned pushes = 0;
    h.drive = [&](unsigned) {
        instruction i;
        i.reset = h.chance(1);
        i.load = h.chance(15);
        i.execute = !i.load && h.chance(50);
        i.rearm = i.load && h.chance(20);
        byte_lanes w(rows);
        for (auto& b : w.lanes) b = static_cast<std::uint8_t>(h.rng() & 0xF);
        h.inst.write(word(i));
        west.write(w);
        if (i.reset) ref.reset();
        else ref.clock(w.lanes.data(), i.load, i.execute, i.rearm);
    };
    h.check = [&](unsigned e) {
        const psum_bus& s = south.read();
        for (unsigned c = 0; c < cols; ++c) {
            BOOST_TEST_REQUIRE(bool(s.valid[c]) == ref.next_push_valid(c), "edge " << e << " col " << c);
            if (s.valid[c]) BOOST_TEST_REQUIRE(s.value[c] == ref.next_push_value(c), "edge " << e << " col " << c);
            pushes += s.valid[c];
        }
        BOOST_TEST_REQUIRE(quiet.read() == ref.quiet(), "edge " << e);
    };
    sc_core::sc_start();
    BOOST_TEST(pushes > 100u);  // the stimulus really made the array compute
}

BOOST_AUTO_TEST_CASE(ofifo_block_follows_its_core) {
    const unsigned cols = 4, depth = 6;
    arch_keys arch;
    arch.ofifo_depth = depth;
    harness h("h");
    wire<psum_bus> in("in", psum_bus(cols));
    wire<ofifo_bus> out("out", ofifo_bus(cols));
    wire<bool> quiet("quiet");
    ofifo_block dut("ofifo", cols);
    dut.clk(h.clk);
    dut.inst(h.inst);
    dut.psum_in(in);
    dut.out(out);
    dut.quiet(quiet);
    dut.start(arch);
    ofifo_core ref(cols, depth);
    bool pop_pending = false;
    unsigned valid_edges = 0;
    h.drive = [&](unsigned) {
        instruction i;
        i.reset = h.chance(2);
        i.ofifo_rd = h.chance(35);
        psum_bus p(cols);
        for (unsigned c = 0; c < cols; ++c) {
            p.valid[c] = ref.size(c) + 2 < depth && h.chance(40);
            p.value[c] = static_cast<std::int32_t>(h.rng() % 2000) - 1000;
            p.any = p.any || p.valid[c];
        }
        h.inst.write(word(i));
        in.write(p);
        if (i.reset) {
            ref.reset();
            pop_pending = false;
        } else {
            ref.clock(p.valid.data(), p.value.data(), p.any, i.ofifo_rd);
            pop_pending = i.ofifo_rd;
        }
    };
    h.check = [&](unsigned e) {
        const ofifo_bus& o = out.read();
        BOOST_TEST_REQUIRE(o.valid == ref.o_valid(), "edge " << e);
        for (unsigned c = 0; c < cols; ++c) BOOST_TEST_REQUIRE(o.head[c] == ref.head(c), "edge " << e << " col " << c);
        BOOST_TEST_REQUIRE(quiet.read() == (!pop_pending && !ref.read_pending()), "edge " << e);
        valid_edges += o.valid;
    };
    sc_core::sc_start();
    BOOST_TEST(valid_edges > 100u);
    BOOST_TEST(dut.core().high_water() == ref.high_water());
}

BOOST_AUTO_TEST_CASE(sfu_block_follows_its_core) {
    const unsigned cols = 3;
    for (unsigned latency : {1u}) {  // one stage: the output moves only on an output step
        arch_keys arch;
        arch.sfu_latency = latency;
        layer_keys layer;
        harness h("h");
        wire<psum_lanes> q("q", psum_lanes(cols)), sum("sum", psum_lanes(cols));
        sfu_block dut("sfu", cols);
        dut.clk(h.clk);
        dut.inst(h.inst);
        dut.q_in(q);
        dut.sum_out(sum);
        dut.start(arch, layer);
        sfu_core ref(cols, layer.psum_bits, latency);
        h.drive = [&](unsigned) {
            instruction i;
            i.reset = h.chance(5);
            i.acc = h.chance(40);
            i.acc_load = !i.acc && h.chance(10);
            i.sfu_out = h.chance(20);
            i.relu = h.chance(50);
            psum_lanes v(cols);
            for (auto& x : v.lanes) x = static_cast<std::int32_t>(h.rng() % 60000) - 30000;
            h.inst.write(word(i));
            q.write(v);
            if (i.reset) ref.reset();
            else ref.clock(false, i.acc, i.acc_load, v.lanes.data(), i.sfu_out, i.relu);
        };
        h.check = [&](unsigned e) {
            for (unsigned c = 0; c < cols; ++c)
                BOOST_TEST_REQUIRE(sum.read().lanes[c] == ref.out_sum(c), "edge " << e << " col " << c);
        };
        sc_core::sc_start();
    }
}

BOOST_AUTO_TEST_CASE(xmem_port_follows_the_macro) {
    // Read latency 2: Q follows the registered address through two stages and later writes.
    const unsigned words = 16, bytes = 4;
    sram_keys keys;
    keys.words = words;
    keys.read_latency = 2;
    memory_params p;
    p.role = "xmem";
    p.words = words;
    p.width_bits = 8 * bytes;
    p.word_bytes = bytes;
    p.period = period;
    p.keys = &keys;
    harness h("h");
    std::unique_ptr<memory_model> mem = make_memory_model("sram", "macro", p);
    wire<byte_lanes> d("d", byte_lanes(bytes)), q("q", byte_lanes(bytes));
    wire<unsigned> wait_cycles("wait_cycles");
    xmem_port dut("xmem", bytes, period);
    dut.clk(h.clk);
    dut.inst(h.inst);
    dut.d(d);
    dut.q(q);
    dut.wait_cycles(wait_cycles);
    dut.mem.bind(mem->target());
    sram_core ref(words, 8 * bytes, keys.read_latency);
    h.drive = [&](unsigned e) {
        if (e == 0) dut.start(keys.read_latency);
        instruction i;
        i.xmem_en = h.chance(70);
        i.xmem_wr = i.xmem_en && h.chance(40);
        i.xmem_addr = h.rng() % words;
        byte_lanes w(bytes);
        for (auto& b : w.lanes) b = static_cast<std::uint8_t>(h.rng());
        h.inst.write(word(i));
        d.write(w);
        if (i.xmem_en && i.xmem_wr) ref.clock_write(i.xmem_addr, w.lanes.data());
        else if (i.xmem_en) ref.clock_read(i.xmem_addr);
        else ref.clock_idle();
    };
    h.check = [&](unsigned e) {
        BOOST_TEST_REQUIRE(std::memcmp(q.read().lanes.data(), ref.q(), bytes) == 0, "edge " << e);
        BOOST_TEST_REQUIRE(wait_cycles.read() == 0u);
    };
    sc_core::sc_start();
    BOOST_TEST(dut.reads() == ref.reads());
    BOOST_TEST(dut.writes() == ref.writes());
    BOOST_TEST(mem->reads() == ref.reads());
    BOOST_TEST(mem->writes() == ref.writes());
}

BOOST_AUTO_TEST_CASE(pmem_port_muxes_and_unpacks) {
    // D = OFIFO head, SFU sum, or head + Q (online accumulation); writes with a second-port read;
    // Q unpacked into signed 16-bit lanes. Reference: an sram_core and the mux written out here.
    const unsigned cols = 4, words = 8, bits = 16, bytes = cols * bits / 8;
    sram_keys keys;
    keys.words = words;
    keys.ports = 2;
    memory_params p;
    p.role = "pmem";
    p.words = words;
    p.width_bits = cols * bits;
    p.word_bytes = bytes;
    p.period = period;
    p.keys = &keys;
    harness h("h");
    std::unique_ptr<memory_model> mem = make_memory_model("sram", "macro", p);
    wire<ofifo_bus> ofifo("ofifo", ofifo_bus(cols));
    wire<psum_lanes> sfu("sfu", psum_lanes(cols)), q("q", psum_lanes(cols));
    wire<unsigned> wait_cycles("wait_cycles");
    pmem_port dut("pmem", cols, bytes, period);
    dut.clk(h.clk);
    dut.inst(h.inst);
    dut.ofifo_in(ofifo);
    dut.sfu_in(sfu);
    dut.q(q);
    dut.wait_cycles(wait_cycles);
    dut.mem.bind(mem->target());
    sram_core ref(words, cols * bits, 1);
    auto ref_lane = [&](unsigned c) { return static_cast<std::int32_t>(sign_extend(sram_core::get_lane(ref.q(), c, bits), bits)); };
    h.drive = [&](unsigned e) {
        if (e == 0) {
            dut.start(keys, bits);
            dut.log_reads(true);
        }
        instruction i;
        i.pmem_en = h.chance(80);
        i.pmem_wr = i.pmem_en && h.chance(60);
        i.pmem_addr = h.rng() % words;
        i.pmem_src = static_cast<pmem_source>(h.rng() % 3);
        i.pmem_rd2 = i.pmem_wr && h.chance(30);
        i.pmem_rd2_addr = h.rng() % words;
        ofifo_bus o(cols);
        psum_lanes s(cols);
        for (unsigned c = 0; c < cols; ++c) {
            o.head[c] = static_cast<std::int32_t>(h.rng() % 50000) - 25000;
            s.lanes[c] = static_cast<std::int32_t>(h.rng() % 50000) - 25000;
        }
        h.inst.write(word(i));
        ofifo.write(o);
        sfu.write(s);
        std::vector<std::uint8_t> dword(bytes, 0);
        for (unsigned c = 0; c < cols; ++c) {
            const std::int64_t v = i.pmem_src == pmem_source::ofifo ? o.head[c]
                                   : i.pmem_src == pmem_source::sfu ? s.lanes[c]
                                                                    : std::int64_t{o.head[c]} + ref_lane(c);
            sram_core::set_lane(dword.data(), c, bits, to_field(v, bits));
        }
        if (i.pmem_en && i.pmem_wr && i.pmem_rd2) ref.clock_write_read(i.pmem_addr, dword.data(), i.pmem_rd2_addr);
        else if (i.pmem_en && i.pmem_wr) ref.clock_write(i.pmem_addr, dword.data());
        else if (i.pmem_en) ref.clock_read(i.pmem_addr);
        else ref.clock_idle();
    };
    h.check = [&](unsigned e) {
        for (unsigned c = 0; c < cols; ++c) BOOST_TEST_REQUIRE(q.read().lanes[c] == ref_lane(c), "edge " << e << " col " << c);
    };
    sc_core::sc_start();
    BOOST_TEST(dut.reads() == ref.reads());
    BOOST_TEST(dut.writes() == ref.writes());
    BOOST_TEST(dut.peak_accesses() == 2u);  // a write and a second-port read in one edge
    // Every word of the model equals the reference macro's (debug transport).
    std::vector<std::uint8_t> w(bytes);
    for (unsigned a = 0; a < words; ++a) {
        BOOST_TEST_REQUIRE(dut.debug_read(std::uint64_t{a} * bytes, w.data(), bytes));
        BOOST_TEST(std::memcmp(w.data(), ref.word(a), bytes) == 0, "word " << a);
    }
}

BOOST_AUTO_TEST_SUITE_END()
