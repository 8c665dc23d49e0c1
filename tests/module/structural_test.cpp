// The structural top (accel/accelerator.h, model.top = "structural") against the stepped top
// (testbench/cycle_top) and the kernel-free engine: identical outputs, sums, every run_stats
// field and the pmem captures on 200 seeded random layers (both schedules, 4-bit and 2-bit,
// non-square arrays and kernels, strides, shallow FIFOs, small SRAMs that force bands and
// kernel groups, read latencies 2). SystemC elaborates once per process, so each layer runs
// each top in a forked child, which compares it with the engine and sends back the differences.
// Also: one accelerator running layers back to back, a memory model's delay stalling the whole
// accelerator (outputs unchanged, cycles counted as xmem_wait), and the VCD's block hierarchy.
// ctest-cases: structural/random_layers_match_stepped_and_engine structural/runs_layers_back_to_back
// ctest-cases: structural/memory_delay_stalls_the_accelerator structural/vcd_shows_blocks_and_ports
#include "accel/accelerator.h"
#include "accel/offchip.h"
#include "dataflow/ws/tiling.h"
#include "engine/engine.h"
#include "sram/memory_model.h"
#include "sram/sram_memory.h"
#include "testbench/cycle_top.h"
#include "testbench/golden.h"
#include "testbench/structural_top.h"
#include "tlm/report.h"

#include "support/random_layer.h"
#include "support/sc_fixture.h"
#include "support/stats_diff.h"
#include "support/temp_folder.h"

#include <systemc>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>

using namespace satlm;

namespace {

struct trial {
    accel_config cfg;
    layer_data layer;
    std::string text;
};

/// A random layer and architecture from one seed (small enough for hundreds of runs).
trial make_trial(unsigned seed) {
    std::mt19937 rng(seed);
    auto pick = [&rng](unsigned lo, unsigned hi) { return lo + unsigned(rng() % (hi - lo + 1)); };
    trial t;
    auto& L = t.cfg.layer;
    auto& A = t.cfg.arch;
    L = test::random_conv_shape(rng, 20, 8);
    L.act_bits = pick(0, 2) == 0 ? 2 : 4;
    L.weight_bits = pick(2, 4);
    L.psum_bits = pick(0, 4) == 0 ? pick(8, 32) : 16;
    A.rows = pick(2, 16);
    A.cols = pick(2, 16);
    A.schedule = pick(0, 1) ? schedule_kind::overlapped : schedule_kind::reference;
    const unsigned weight_words = A.cols * L.channels_per_lane();
    A.l0_depth = std::max({weight_words, A.rows, pick(8, 64)});
    A.ofifo_depth = pick(2, 64);
    if (pick(0, 3) == 0) {  // shallow FIFOs: many chunks
        A.l0_depth = std::max(weight_words + pick(0, 4), A.schedule == schedule_kind::overlapped ? A.rows : 1u);
        A.ofifo_depth = pick(2, 8);
    }
    if (pick(0, 2) == 0) A.xmem.read_latency = 2;
    if (pick(0, 2) == 0) A.pmem.read_latency = 2;
    if (pick(0, 3) == 0) A.sfu_latency = 2;
    if (pick(0, 3) == 0) A.offchip_bytes_per_cycle = pick(1, 3);
    const unsigned window = L.kernel_h * L.kernel_w;
    switch (pick(0, 3)) {
    case 0: A.xmem.words = 2 * std::max(weight_words + 1, window + 1 + pick(0, 6 * window + 30)); break;  // bands
    case 1: A.pmem.words = window + 2 + pick(0, 12 * window); break;  // kernel groups
    default: break;  // the RTL's memories
    }
    if (A.schedule == schedule_kind::overlapped && pick(0, 2) == 0) A.pmem.ports = 2;
    t.layer = test::random_layer(L, rng);
    t.text = fmt::format("seed {}: {}->{} ch {}x{} k{}x{} s{} act{} psum{} on {}x{} {} l0 {} ofifo {} xmem {}/L{} "
                         "pmem {}/L{} sfu {} offchip {}",
                         seed, L.in_channels, L.out_channels, L.padded_height, L.padded_width, L.kernel_h,
                         L.kernel_w, L.stride, L.act_bits, L.psum_bits, A.rows, A.cols,
                         A.schedule == schedule_kind::overlapped ? "overlapped" : "reference", A.l0_depth,
                         A.ofifo_depth, A.xmem.words, A.xmem.read_latency, A.pmem.words, A.pmem.read_latency,
                         A.sfu_latency, A.offchip_bytes_per_cycle);
    return t;
}

/// What differs between a top's run and the engine's ("" when nothing).
std::string differences(const run_result& got, const run_result& want) {
    std::string d;
    if (got.output.values != want.output.values) d += " outputs differ;";
    if (got.sums.values != want.sums.values) d += " sums differ;";
    d += test::stats_diff(got.stats, want.stats);
    if (got.pmem_psums != want.pmem_psums) d += " pmem psums differ;";
    if (got.acc_reads != want.acc_reads) d += " acc reads differ;";
    return d;
}

enum class top { stepped, structural };

/// Starts a child that runs `t` through one top and writes its differences from the engine
/// (and the golden model) to the returned pipe.
pid_t start_child(const trial& t, top which, int& read_fd) {
    int fd[2];
    BOOST_REQUIRE(pipe(fd) == 0);
    const pid_t pid = fork();
    BOOST_REQUIRE(pid >= 0);
    if (pid == 0) {
        close(fd[0]);
        std::string d;
        try {
            accel_config cfg = t.cfg;
            cfg.arch.top = which == top::structural ? top_kind::structural : top_kind::stepped;
            const run_result want = run_layer(cfg, t.layer);
            const run_result got = which == top::structural
                                       ? run_structural_systemc(cfg, t.layer, "")
                                       : run_cycle_systemc(cfg, t.layer, plan_tiling(cfg), "");
            d = differences(got, want);
            if (want.output.values != golden_output(t.layer, true).values) d += " engine differs from the golden;";
        } catch (const std::exception& e) {
            d = std::string(" exception: ") + e.what();
        }
        const ssize_t n = write(fd[1], d.data(), d.size());
        _exit(n == static_cast<ssize_t>(d.size()) ? 0 : 3);
    }
    close(fd[1]);
    read_fd = fd[0];
    return pid;
}

std::string finish_child(pid_t pid, int fd) {
    std::string d;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) d.append(buf, static_cast<std::size_t>(n));
    close(fd);
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) d += fmt::format(" child ended with status {};", status);
    return d;
}

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

/// A memory that keeps every access waiting 1.5 clock periods: 2 stall cycles per access edge.
class slow_memory : public sram_memory {
public:
    using sram_memory::sram_memory;

protected:
    sc_core::sc_time access_delay(unsigned, const sc_core::sc_time&) override { return period() * 1.5; }
    bool grants_dmi() const override { return false; }
};

/// Runs one layer through an accelerator bound to an off-chip memory, from a thread.
struct one_layer_bench : sc_core::sc_module {
    accel_config cfg;
    layer_data layer;
    offchip_layout where;
    offchip_memory dram;
    accelerator acc;
    run_result result;
    layer_output output;

    SC_HAS_PROCESS(one_layer_bench);
    one_layer_bench(const sc_core::sc_module_name& n, const accel_config& c, const layer_data& l)
        : sc_core::sc_module(n), cfg(c), layer(l), where(packed_layout(c.layer)), dram("dram", layout_end(c.layer, where))
        , acc("acc", c.arch, c.layer.psum_bits) {
        acc.offchip.bind(dram.in);
        write_layer_image(layer, where, dram.bytes());
        SC_THREAD(run);
    }
    void run() {
        result = acc.run(cfg, where);
        output = read_output_region(dram.bytes(), where.outputs, cfg.layer, true);
        sc_core::sc_stop();
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(structural, test::sc_fixture)

BOOST_AUTO_TEST_CASE(random_layers_match_stepped_and_engine) {
    unsigned ran = 0, overlapped = 0, two_bit = 0, banded = 0;
    for (unsigned seed = 1; ran < 200; ++seed) {
        BOOST_REQUIRE_MESSAGE(seed < 2000, "too few possible layers");
        const trial t = make_trial(seed);
        tiling_plan plan;
        try {
            t.cfg.validate();
            plan = plan_tiling(t.cfg);
            (void)time_layer(t.cfg);
        } catch (const config_error&) {
            continue;  // impossible geometry: not a layer to compare
        }
        ++ran;
        overlapped += t.cfg.arch.schedule == schedule_kind::overlapped;
        two_bit += t.cfg.layer.act_bits == 2;
        banded += plan.bands.size() > 1 || plan.kernel_groups.size() > 1;
        int fd_a = -1, fd_b = -1;
        const pid_t a = start_child(t, top::structural, fd_a);
        const pid_t b = start_child(t, top::stepped, fd_b);
        const std::string da = finish_child(a, fd_a), db = finish_child(b, fd_b);
        BOOST_TEST(da.empty(), t.text << ": structural top vs engine:" << da);
        BOOST_TEST(db.empty(), t.text << ": stepped top vs engine:" << db);
    }
    // The mix really covers what it claims.
    BOOST_TEST(overlapped >= 50u);
    BOOST_TEST(two_bit >= 30u);
    BOOST_TEST(banded >= 20u);
}

BOOST_AUTO_TEST_CASE(runs_layers_back_to_back) {
    // One elaborated accelerator, three layers of different shapes and schedules one after
    // another (each at its own off-chip addresses), every one as the engine computes it.
    accel_config arch;
    arch.arch.rows = 6;
    arch.arch.cols = 5;
    std::vector<trial> layers;
    for (unsigned i = 0; i < 3; ++i) {
        trial t;
        t.cfg = arch;
        auto& L = t.cfg.layer;
        L.in_channels = 3 + 4 * i;
        L.out_channels = 7 - i;
        L.padded_height = 7 + i;
        L.padded_width = 6 + 2 * i;
        L.kernel_h = 3;
        L.kernel_w = 2 + i % 2;
        L.stride = 1 + i % 2;
        L.act_bits = i == 1 ? 2 : 4;
        t.cfg.arch.schedule = i == 2 ? schedule_kind::overlapped : schedule_kind::reference;
        t.layer = test::random_layer(L, 40 + i);
        layers.push_back(t);
    }
    struct bench : sc_core::sc_module {
        std::vector<trial>& layers;
        offchip_memory dram;
        accelerator acc;
        std::vector<run_result> results;
        std::vector<layer_output> outputs;
        SC_HAS_PROCESS(bench);
        bench(const sc_core::sc_module_name& n, std::vector<trial>& l, const arch_keys& a)
            : sc_core::sc_module(n), layers(l), dram("dram", 1 << 16), acc("acc", a) {
            acc.offchip.bind(dram.in);
            SC_THREAD(run);
        }
        void run() {
            std::uint64_t base = 0;
            for (auto& t : layers) {
                const offchip_layout where = packed_layout(t.cfg.layer, base);
                write_layer_image(t.layer, where, dram.bytes());
                results.push_back(acc.run(t.cfg, where));
                outputs.push_back(read_output_region(dram.bytes(), where.outputs, t.cfg.layer, true));
                base = layout_end(t.cfg.layer, where);
            }
            sc_core::sc_stop();
        }
    } b("top", layers, arch.arch);
    sc_core::sc_start();
    BOOST_REQUIRE(b.results.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        const run_result want = run_layer(layers[i].cfg, layers[i].layer);
        BOOST_TEST(b.outputs[i].values == want.output.values, "layer " << i);
        BOOST_TEST(test::stats_diff(b.results[i].stats, want.stats) == "", "layer " << i);
    }
}

BOOST_AUTO_TEST_CASE(memory_delay_stalls_the_accelerator) {
    register_memory_model("slow_test", [](const sc_core::sc_module_name& n, const memory_params& p) {
        return std::make_unique<slow_memory>(n, p);
    });
    accel_config cfg;  // the RTL's layer and array
    cfg.arch.xmem.model = "slow_test";
    const layer_data layer = test::random_layer(cfg.layer, 7u);
    one_layer_bench b("top", cfg, layer);
    sc_core::sc_start();
    const run_result want = run_layer(cfg, layer);
    const run_stats& got = b.result.stats;
    BOOST_TEST(b.output.values == want.output.values);  // a slower memory never changes the data
    // Every xmem access edge waits ceil(1.5) = 2 cycles; everything holds meanwhile.
    const std::uint64_t accesses = want.stats.xmem.reads + want.stats.xmem.writes;
    BOOST_TEST(got.cycles.stall_causes.xmem_wait == 2 * accesses);
    BOOST_TEST(got.cycles.stall_causes.pmem_wait == 0u);
    BOOST_TEST(got.cycles.stall == want.stats.cycles.stall + 2 * accesses);
    BOOST_TEST(got.cycles.total() == want.stats.cycles.total() + 2 * accesses);
    BOOST_TEST(sc_core::sc_time_stamp() == sc_core::sc_time(double(got.cycles.total()), sc_core::SC_NS));
    BOOST_TEST(got.xmem.reads == want.stats.xmem.reads);
    BOOST_TEST(test::opt(got.first_psum_col0) == test::opt(want.stats.first_psum_col0));
}

BOOST_AUTO_TEST_CASE(vcd_shows_blocks_and_ports) {
    test::temp_folder dir;
    const std::string path = dir.path("s.vcd");
    accel_config cfg;
    const layer_data layer = test::random_layer(cfg.layer, 3u);
    const run_result r = run_structural_systemc(cfg, layer, path);
    BOOST_TEST(r.output.values == golden_output(layer, true).values);
    const std::string vcd = slurp(path);
    // The hierarchy: top > accel > controller, xmem, corelet > (l0, array, ofifo, sfu), pmem.
    for (const char* scope : {"$scope module top $end", "$scope module accel $end", "$scope module controller $end",
                              "$scope module xmem $end", "$scope module corelet $end", "$scope module l0 $end",
                              "$scope module array $end", "$scope module ofifo $end", "$scope module sfu $end",
                              "$scope module pmem $end", "$scope module inst $end", "$scope module psum_out $end",
                              "$scope module out $end"})
        BOOST_TEST(vcd.find(scope) != std::string::npos, scope);
    // Ports by their names (a bus's fields in a scope of the port's name), vectors lane by lane.
    for (const char* port : {" load ", " xmem_addr ", " d_xmem(0) ", " act_out(7) ", " valid(0) ", " value(7) ",
                             " o_valid ", " head(7) ", " sum_out(0) ", " q(3) ", " wait_cycles ", " clk "})
        BOOST_TEST(vcd.find(port) != std::string::npos, port);
    // One edge per cycle: the run ends at 1936 cycles of 1 ns (time unit 1 ps).
    BOOST_TEST(vcd.find("#1935000") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
