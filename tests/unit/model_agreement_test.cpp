// The two fidelity levels against each other and against the golden model, on seeded random
// layers and configurations. Every failure names the trial's seed and configuration; rerun one
// trial by changing `first_seed` / the loop bounds.

#include "support/random_layer.h"
#include "support/sc_fixture.h"
#include "support/stats_diff.h"
#include "testbench/golden.h"
#include "engine/engine.h"
#include "testbench/simulation.h"
#include "tlm/report.h"
#include "dataflow/ws/schedule.h"
#include "vectors/vector_set.h"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

using namespace satlm;
using satlm::test::stats_diff;

namespace {

struct trial {
    accel_config cfg;
    layer_data layer;
    std::string text;  // seed and configuration, for failure messages
};

/// A random layer and configuration from one seed: channels 1..40, maps 3..20, 2/4-bit,
/// arrays 4..48 x 4..32, both schedules, sometimes shallow FIFOs (L0 down to the least depth
/// the configuration allows), thin off-chip links or small SRAMs (banded maps).
trial make_trial(unsigned seed) {
    std::mt19937 rng(seed);
    auto pick = [&rng](unsigned lo, unsigned hi) { return lo + unsigned(rng() % (hi - lo + 1)); };
    trial t;
    auto& L = t.cfg.layer;
    auto& A = t.cfg.arch;
    L.act_bits = pick(0, 2) == 0 ? 2 : 4;
    L.weight_bits = pick(2, 4);
    L.psum_bits = pick(0, 4) == 0 ? pick(8, 32) : 16;
    L.in_channels = pick(1, 40);
    L.out_channels = pick(1, 40);
    L.kernel_h = L.kernel_w = pick(0, 5) == 0 ? 1 : 3;
    L.padded_height = std::max(L.kernel_h, pick(3, 20));
    L.padded_width = std::max(L.kernel_w, pick(3, 20));
    A.rows = pick(4, 48);
    A.cols = pick(4, 32);
    A.schedule = pick(0, 1) ? schedule_kind::overlapped : schedule_kind::reference;
    const unsigned weight_words = A.cols * L.channels_per_lane();
    A.l0_depth = std::max(weight_words, 64u);
    if (pick(0, 3) == 0) {  // shallow FIFOs: many chunks, L0 down to one weight per column
        A.l0_depth = weight_words + pick(0, 6);
        A.ofifo_depth = pick(2, 16);
    }
    // "overlapped" streams through L0 and needs a row's worth (build_schedule rejects less).
    if (A.schedule == schedule_kind::overlapped) A.l0_depth = std::max(A.l0_depth, A.rows);
    if (pick(0, 3) == 0) A.offchip_bytes_per_cycle = pick(1, 3);  // thin off-chip link
    if (pick(0, 2) == 0) {  // small SRAMs: row bands
        A.pmem.words = pick(300, 1200);
        A.xmem.words = 2 * std::max(weight_words + 1, pick(40, 400));
    }
    t.layer = layer_data(L);
    std::uniform_int_distribution<int> act(0, (1 << L.act_bits) - 1);
    std::uniform_int_distribution<int> w(-(1 << (L.weight_bits - 1)), (1 << (L.weight_bits - 1)) - 1);
    for (auto& a : t.layer.act) a = static_cast<std::uint8_t>(act(rng));
    for (auto& x : t.layer.weight) x = static_cast<std::int8_t>(w(rng));
    t.text = fmt::format(
        "seed {}: {}->{} ch {}x{} k{}x{} s{} act{} w{} psum{} on {}x{} {} l0 {} ofifo {} offchip {} "
        "xmem {} pmem {}",
        seed, L.in_channels, L.out_channels, L.padded_height, L.padded_width, L.kernel_h, L.kernel_w, L.stride,
        L.act_bits, L.weight_bits, L.psum_bits, A.rows, A.cols,
        A.schedule == schedule_kind::overlapped ? "overlapped" : "reference", A.l0_depth,
        A.ofifo_depth, A.offchip_bytes_per_cycle, A.xmem.words, A.pmem.words);
    return t;
}

/// A random layer of any kind (strides 1..4; 1x1, 3x1, 1x3, 2x2, 5x5, 7x7 and other filters;
/// fully connected layers; tests/support/random_layer.h) on an array of 4..32 x 4..32, either
/// schedule and fidelity pair, with memories from the RTL's down to little more than one pass
/// (column bands, kernel groups). Never impossible.
trial make_conv_trial(unsigned seed) {
    std::mt19937 rng(seed);
    auto pick = [&rng](unsigned lo, unsigned hi) { return lo + unsigned(rng() % (hi - lo + 1)); };
    trial t;
    auto& L = t.cfg.layer;
    auto& A = t.cfg.arch;
    L = test::random_conv_shape(rng, 40, 14);
    L.act_bits = pick(0, 3) == 0 ? 2 : 4;
    L.weight_bits = pick(2, 4);
    A.rows = pick(4, 32);
    A.cols = pick(4, 32);
    A.schedule = pick(0, 1) ? schedule_kind::overlapped : schedule_kind::reference;
    const unsigned weight_words = A.cols * L.channels_per_lane();
    A.l0_depth = std::max({weight_words, A.rows, pick(8, 64)});
    A.ofifo_depth = pick(2, 64);
    const unsigned window = L.kernel_h * L.kernel_w;  // one output pixel's positions
    switch (pick(0, 2)) {
    case 0: break;  // the RTL's memories
    case 1:         // small xmem: column bands
        A.xmem.words = 2 * std::max(weight_words + 1, window + 1 + pick(0, 6 * window + 30));
        break;
    default:  // small pmem: kernel groups
        A.pmem.words = window + 2 + pick(0, 12 * window);
        break;
    }
    t.layer = test::random_layer(L, rng);
    t.text = fmt::format(
        "conv seed {}: {}->{} ch {}x{} k{}x{} s{} act{} w{} on {}x{} {} l0 {} ofifo {} xmem {} pmem {}", seed,
        L.in_channels, L.out_channels, L.padded_height, L.padded_width, L.kernel_h, L.kernel_w, L.stride, L.act_bits,
        L.weight_bits, A.rows, A.cols, A.schedule == schedule_kind::overlapped ? "overlapped" : "reference",
        A.l0_depth, A.ofifo_depth, A.xmem.words, A.pmem.words);
    return t;
}

std::size_t mismatches(const layer_output& got, const layer_output& ref) {
    if (got.values.size() != ref.values.size()) return ref.values.size() + 1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < ref.values.size(); ++i) n += got.values[i] != ref.values[i];
    return n;
}

/// Runs the trial on one fidelity; false (with the reason) when the geometry is impossible.
bool run(trial& t, fidelity f, run_result& out) {
    t.cfg.arch.model = f;
    try {
        t.cfg.validate();
        out = run_layer(t.cfg, t.layer);
    } catch (const config_error& e) {
        BOOST_TEST_MESSAGE(t.text << ": skipped: " << e.what());
        return false;
    }
    return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(model_agreement)

BOOST_AUTO_TEST_CASE(cycle_and_lt_agree_and_match_the_golden) {
    const unsigned first_seed = 1000;
    int ran = 0, banded = 0, chunked = 0, two_bit = 0, overlapped = 0, waited = 0;
    for (unsigned seed = first_seed; ran < 250 && seed < first_seed + 500; ++seed) {
        trial t = make_trial(seed);
        run_result cyc, lt;
        if (!run(t, fidelity::lt, lt)) continue;
        BOOST_TEST_REQUIRE(run(t, fidelity::cycle, cyc), t.text);
        const layer_output ref = golden_output(t.layer, true);
        BOOST_TEST(mismatches(cyc.output, ref) == 0u, "cycle vs golden, " << t.text);
        BOOST_TEST(mismatches(lt.output, ref) == 0u, "lt vs golden, " << t.text);
        const std::string diff = stats_diff(cyc.stats, lt.stats);
        BOOST_TEST(diff.empty(), "run_stats differ:" << diff << " " << t.text);
        ++ran;
        banded += lt.plan.bands.size() > 1 || lt.plan.split_kernel();  // split: bands or kernel groups
        chunked += lt.stats.chunks > lt.stats.passes;
        two_bit += t.cfg.layer.act_bits == 2;
        overlapped += t.cfg.arch.schedule == schedule_kind::overlapped;
        // Trials where the reference flow waits for row R-1's weights before a first chunk.
        if (t.cfg.arch.schedule == schedule_kind::reference)
            for (const auto& b : lt.plan.bands)
                if (reference_weight_hold(t.cfg, std::min(lt.plan.chunk, lt.plan.band_positions(b, t.cfg.layer)))) {
                    ++waited;
                    break;
                }
    }
    BOOST_TEST_MESSAGE(ran << " trials: " << banded << " split, " << chunked << " chunked, " << two_bit
                           << " 2-bit, " << overlapped << " overlapped, " << waited << " waited for L0");
    BOOST_TEST(ran >= 250);
    BOOST_TEST(banded >= 25);
    BOOST_TEST(chunked >= 75);
    BOOST_TEST(two_bit >= 50);
    BOOST_TEST(overlapped >= 75);
    BOOST_TEST(waited >= 10);
}

BOOST_AUTO_TEST_CASE(every_layer_kind_agrees_and_matches_the_golden) {
    // Strides, non-square and even filters, 1x1 and fully connected layers, column bands and
    // kernel groups: outputs bit-exact in both fidelities, every statistic equal.
    const unsigned first_seed = 9000;
    int ran = 0, strided = 0, fc = 0, column_bands = 0, kernel_groups = 0, non_square = 0;
    for (unsigned seed = first_seed; seed < first_seed + 120; ++seed) {
        trial t = make_conv_trial(seed);
        run_result cyc, lt;
        BOOST_TEST_REQUIRE(run(t, fidelity::lt, lt), t.text);
        BOOST_TEST_REQUIRE(run(t, fidelity::cycle, cyc), t.text);
        const layer_output ref = golden_output(t.layer, true);
        BOOST_TEST(mismatches(cyc.output, ref) == 0u, "cycle vs golden, " << t.text);
        BOOST_TEST(mismatches(lt.output, ref) == 0u, "lt vs golden, " << t.text);
        const std::string diff = stats_diff(cyc.stats, lt.stats);
        BOOST_TEST(diff.empty(), "run_stats differ:" << diff << " " << t.text);
        const auto& L = t.cfg.layer;
        ++ran;
        strided += L.stride > 1;
        fc += L.positions() == 1;
        non_square += !L.square_kernel();
        column_bands += lt.plan.split_cols();
        kernel_groups += lt.plan.split_kernel();
    }
    BOOST_TEST_MESSAGE(ran << " trials: " << strided << " strided, " << fc << " fully connected, " << non_square
                           << " non-square, " << column_bands << " column bands, " << kernel_groups
                           << " kernel groups");
    BOOST_TEST(strided >= 60);
    BOOST_TEST(fc >= 5);
    BOOST_TEST(non_square >= 20);
    BOOST_TEST(column_bands >= 10);
    BOOST_TEST(kernel_groups >= 10);
}

BOOST_AUTO_TEST_CASE(lt_matches_the_golden_on_more_layers) {
    // More layers for the LT model alone (it is the one that runs whole networks).
    const unsigned first_seed = 5000;
    int ran = 0;
    for (unsigned seed = first_seed; ran < 150 && seed < first_seed + 300; ++seed) {
        trial t = make_trial(seed);
        run_result lt;
        if (!run(t, fidelity::lt, lt)) continue;
        BOOST_TEST(mismatches(lt.output, golden_output(t.layer, true)) == 0u, "lt, " << t.text);
        ++ran;
    }
    BOOST_TEST(ran >= 150);
}

BOOST_AUTO_TEST_CASE(cycle_and_lt_agree_on_every_real_set) {
    // The 16 sets of vectors/external, as `satlm run` loads them, on both schedules: the same
    // outputs (those of the files) and the same statistics, field by field.
    std::vector<std::string> manifests;
    for (const auto& e : std::filesystem::directory_iterator(test::source_dir() + "/vectors/external"))
        if (e.path().extension() == ".toml") manifests.push_back(e.path().string());
    std::sort(manifests.begin(), manifests.end());
    BOOST_TEST(manifests.size() == 16u);
    for (const auto& m : manifests) {
        const vector_set vs = load_vector_set(m, accel_config{}, {}, true);
        BOOST_TEST_REQUIRE(vs.expected.output.has_value(), m);
        const layer_output ref = golden_output(vs.layer, true);
        for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
            trial t{vs.config, vs.layer, ""};
            t.cfg.arch.schedule = kind;
            t.text = fmt::format("{} ({})", m, kind == schedule_kind::overlapped ? "overlapped" : "reference");
            run_result cyc, lt;
            BOOST_TEST_REQUIRE(run(t, fidelity::cycle, cyc), t.text);
            BOOST_TEST_REQUIRE(run(t, fidelity::lt, lt), t.text);
            BOOST_TEST(mismatches(cyc.output, ref) == 0u, "cycle vs golden, " << t.text);
            BOOST_TEST(mismatches(lt.output, cyc.output) == 0u, "lt vs cycle, " << t.text);
            const std::string diff = stats_diff(cyc.stats, lt.stats);
        BOOST_TEST(diff.empty(), "run_stats differ:" << diff << " " << t.text);
        }
    }
}

BOOST_AUTO_TEST_CASE(slower_resources_keep_outputs_and_never_save_cycles) {
    // The schedule-level totals are in schedule_test (thin_offchip_adds_stall_in_both_schedules,
    // reference_shallow_ofifo_adds_stall); here both engines run them: outputs must not change,
    // cycles.total and cycles.stall (or cycles.refill) must rise, and no engine may disagree.
    struct variant {
        std::string what;
        trial base, slow;
        bool strict;  // must the slower run take strictly more cycles and stall or refill?
    };
    std::vector<variant> cases;
    auto make = [](std::string what, const trial& base) { return variant{std::move(what), base, base, true}; };
    const vector_set six = load_vector_set(test::source_dir() + "/vectors/external/stan-ws4-p1.toml",
                                           accel_config{}, {}, true);
    for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
        const char* k = kind == schedule_kind::overlapped ? "overlapped" : "reference";
        variant v = make(fmt::format("6x6 {}: offchip.bytes_per_cycle 4 -> 2", k), trial{six.config, six.layer, ""});
        v.base.cfg.arch.schedule = kind;
        v.base.cfg.arch.offchip_bytes_per_cycle = 4;
        v.slow = v.base;
        v.slow.cfg.arch.offchip_bytes_per_cycle = 2;
        cases.push_back(v);
    }
    {
        variant v = make("6x6 reference: ofifo.depth 64 -> 32", trial{six.config, six.layer, ""});
        v.base.cfg.arch.schedule = schedule_kind::reference;
        v.base.cfg.arch.ofifo_depth = 64;
        v.slow = v.base;
        v.slow.cfg.arch.ofifo_depth = 32;
        cases.push_back(v);
    }
    // Random layers: halving the off-chip link never saves a cycle, and costs some whenever an
    // xmem word then takes longer to write.
    for (unsigned seed = 7000; seed < 7040; ++seed) {
        trial t = make_trial(seed);
        t.cfg.arch.offchip_bytes_per_cycle = 2 * std::max(1u, t.cfg.arch.offchip_bytes_per_cycle);
        variant v = make(t.text + ": offchip.bytes_per_cycle halved", t);
        v.slow.cfg.arch.offchip_bytes_per_cycle /= 2;
        v.strict = xmem_write_cycles(v.slow.cfg) > xmem_write_cycles(v.base.cfg);
        cases.push_back(v);
    }
    int strict = 0;
    for (auto& v : cases) {
        for (auto f : {fidelity::cycle, fidelity::lt}) {
            const std::string what = v.what + (f == fidelity::lt ? " (lt)" : " (cycle)");
            run_result base, slow;
            if (!run(v.base, f, base)) continue;
            BOOST_TEST_REQUIRE(run(v.slow, f, slow), what);
            BOOST_TEST(mismatches(slow.output, base.output) == 0u, what);
            BOOST_TEST(slow.stats.cycles.total() >= base.stats.cycles.total(), what);
            BOOST_TEST(slow.stats.cycles.stall >= base.stats.cycles.stall, what);
            if (v.strict) {
                BOOST_TEST(slow.stats.cycles.total() > base.stats.cycles.total(), what);
                // waiting (stall) or set-up the smaller resource repeats (refill, e.g. chunking)
                BOOST_TEST(slow.stats.cycles.stall + slow.stats.cycles.refill >
                               base.stats.cycles.stall + base.stats.cycles.refill, what);
                ++strict;
            }
        }
    }
    BOOST_TEST(strict >= 12);
}

BOOST_AUTO_TEST_SUITE_END()
