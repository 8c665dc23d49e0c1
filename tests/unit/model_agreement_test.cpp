// The two fidelity levels against each other and against the golden model, on seeded random
// layers and configurations. Every failure names the trial's seed and configuration; rerun one
// trial by changing `first_seed` / the loop bounds.

#include "testbench/golden.h"
#include "testbench/simulation.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <random>
#include <string>

using namespace satlm;

namespace {

struct trial {
    accel_config cfg;
    layer_data layer;
    std::string text;  // seed and configuration, for failure messages
};

/// A random layer and configuration from one seed: channels 1..40, maps 3..20, 2/4-bit,
/// arrays 4..32, both schedules, sometimes shallow FIFOs, thin off-chip links or small SRAMs
/// (banded maps).
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
    L.kernel = pick(0, 5) == 0 ? 1 : 3;
    L.padded_height = std::max(L.kernel, pick(3, 20));
    L.padded_width = std::max(L.kernel, pick(3, 20));
    A.rows = pick(4, 32);
    A.cols = pick(4, 32);
    A.schedule = pick(0, 1) ? schedule_kind::overlapped : schedule_kind::reference;
    const unsigned weight_words = A.cols * L.channels_per_lane();
    A.l0_depth = std::max({weight_words, A.rows + 1, 64u});
    if (pick(0, 3) == 0) {  // shallow FIFOs: many chunks
        A.l0_depth = std::max(weight_words, A.rows + 1) + pick(0, 6);
        A.ofifo_depth = pick(2, 16);
    }
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
        "seed {}: {}->{} ch {}x{} k{} act{} w{} psum{} on {}x{} {} l0 {} ofifo {} offchip {} "
        "xmem {} pmem {}",
        seed, L.in_channels, L.out_channels, L.padded_height, L.padded_width, L.kernel,
        L.act_bits, L.weight_bits, L.psum_bits, A.rows, A.cols,
        A.schedule == schedule_kind::overlapped ? "overlapped" : "reference", A.l0_depth,
        A.ofifo_depth, A.offchip_bytes_per_cycle, A.xmem.words, A.pmem.words);
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
        out = simulate_engine(t.cfg, t.layer);
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
    int ran = 0, banded = 0, chunked = 0, two_bit = 0, overlapped = 0;
    for (unsigned seed = first_seed; ran < 110 && seed < first_seed + 200; ++seed) {
        trial t = make_trial(seed);
        run_result cyc, lt;
        if (!run(t, fidelity::lt, lt)) continue;
        BOOST_TEST_REQUIRE(run(t, fidelity::cycle, cyc), t.text);
        const layer_output ref = golden_output(t.layer, true);
        BOOST_TEST(mismatches(cyc.output, ref) == 0u, "cycle vs golden, " << t.text);
        BOOST_TEST(mismatches(lt.output, ref) == 0u, "lt vs golden, " << t.text);
        BOOST_TEST(cyc.stats.cycles.total() == lt.stats.cycles.total(), "cycles.total, " << t.text);
        ++ran;
        banded += lt.plan.split_rows();
        chunked += lt.stats.chunks > lt.stats.passes;
        two_bit += t.cfg.layer.act_bits == 2;
        overlapped += t.cfg.arch.schedule == schedule_kind::overlapped;
    }
    BOOST_TEST(ran >= 100);
    BOOST_TEST(banded >= 10);
    BOOST_TEST(chunked >= 30);
    BOOST_TEST(two_bit >= 20);
    BOOST_TEST(overlapped >= 30);
}

BOOST_AUTO_TEST_CASE(lt_matches_the_golden_on_more_layers) {
    // With the 100+ layers above, more than 200 seeded layers in total are held to the golden.
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

BOOST_AUTO_TEST_SUITE_END()
