// One test per convolution layer kind (strides, 1x1, non-square and even filters, large
// filters, fully connected layers, channel counts that are not multiples of the array, maps
// that run in column bands or in kernel groups): each layer on several arrays (4x4 to 32x32,
// non-square), both schedules and both fidelities, bit-exact against the golden model, with
// the cycle and LT models agreeing on every statistic. The plan test at the end holds the real
// layer shapes of big networks against the RTL's default memories.

#include "support/random_layer.h"

#include "dataflow/ws/tiling.h"
#include "engine/engine.h"
#include "testbench/golden.h"
#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

using namespace satlm;

namespace {

struct array_shape {
    unsigned rows, cols;
};
const std::vector<array_shape> arrays = {{4, 4}, {8, 8}, {16, 4}, {5, 12}, {32, 32}};

layer_keys conv(unsigned in_ch, unsigned out_ch, unsigned h, unsigned w, unsigned kh, unsigned kw,
                unsigned stride) {
    layer_keys L;
    L.in_channels = in_ch;
    L.out_channels = out_ch;
    L.padded_height = h;
    L.padded_width = w;
    L.kernel_h = kh;
    L.kernel_w = kw;
    L.stride = stride;
    return L;
}

std::size_t mismatches(const layer_output& got, const layer_output& ref) {
    if (got.values.size() != ref.values.size()) return ref.values.size() + 1;
    std::size_t n = 0;
    for (std::size_t i = 0; i < ref.values.size(); ++i) n += got.values[i] != ref.values[i];
    return n;
}

/// The statistics both fidelities must give identically (the full list is compared in
/// model_agreement_test).
std::string stats_text(const run_stats& s) {
    std::string causes;
    for (const auto& [name, n] : stall_cause_rows(s.cycles.stall_causes)) causes += fmt::format(" {} {}", name, n);
    return fmt::format("cycles {} (data {} weights {} execute {} drain {} acc {} stall {} ({}) refill {} idle {}) "
                       "macs {} xmem {}/{} pmem {}/{} l0 {} ofifo {} passes {} chunks {}",
                       s.cycles.total(), s.cycles.load_data, s.cycles.load_weights, s.cycles.execute,
                       s.cycles.drain, s.cycles.accumulate, s.cycles.stall, causes, s.cycles.refill, s.cycles.idle,
                       s.macs, s.xmem.reads,
                       s.xmem.writes, s.pmem.reads, s.pmem.writes, s.l0_high_water, s.ofifo_high_water, s.passes,
                       s.chunks);
}

/// What the runs of one layer covered (kernel groups: reference runs only, as the overlapped
/// schedule adds every psum into its pixel and never groups kernel positions).
struct coverage {
    unsigned runs = 0, reference_runs = 0, column_bands = 0, kernel_groups = 0, row_bands = 0;
};

/// Runs `L` (seeded random tensors) on every array of `arrays`, both schedules and both
/// fidelities, on `cfg`'s memories: outputs equal the golden model's, the fidelities agree.
coverage run_everywhere(const layer_keys& L, const accel_config& base = {}, unsigned seed = 1) {
    const layer_data d = test::random_layer(L, seed);
    const layer_output ref = golden_output(d, true);
    BOOST_TEST_REQUIRE(ref.out_positions == L.out_positions());
    coverage cov;
    for (const auto& a : arrays)
        for (auto kind : {schedule_kind::reference, schedule_kind::overlapped}) {
            accel_config cfg = base;
            cfg.layer = L;
            cfg.arch.rows = a.rows;
            cfg.arch.cols = a.cols;
            cfg.arch.schedule = kind;
            cfg.arch.l0_depth = std::max({cfg.arch.l0_depth, a.cols, a.rows});
            const std::string what =
                fmt::format("{}->{} ch {}x{} filter {}x{} stride {} on {}x{} {}", L.in_channels, L.out_channels,
                            L.padded_height, L.padded_width, L.kernel_h, L.kernel_w, L.stride, a.rows, a.cols,
                            kind == schedule_kind::overlapped ? "overlapped" : "reference");
            cfg.arch.model = fidelity::cycle;
            const run_result cyc = run_layer(cfg, d);
            cfg.arch.model = fidelity::lt;
            const run_result lt = run_layer(cfg, d);
            BOOST_TEST(mismatches(cyc.output, ref) == 0u, "cycle vs golden, " << what << ": " << cyc.plan.describe(L));
            BOOST_TEST(mismatches(lt.output, ref) == 0u, "lt vs golden, " << what << ": " << lt.plan.describe(L));
            BOOST_TEST(stats_text(cyc.stats) == stats_text(lt.stats), what);
            BOOST_TEST(cyc.stats.macs == L.macs());
            ++cov.runs;
            cov.row_bands += cyc.plan.split_rows();
            cov.column_bands += cyc.plan.split_cols();
            if (kind == schedule_kind::reference) {
                ++cov.reference_runs;
                cov.kernel_groups += cyc.plan.split_kernel();
            } else {
                BOOST_TEST(!cyc.plan.split_kernel(), what);
            }
        }
    return cov;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(layer_kind)

BOOST_AUTO_TEST_CASE(output_size_is_floor_of_padded_minus_filter_over_stride_plus_one) {
    BOOST_TEST(conv(1, 1, 227, 227, 11, 11, 4).out_height() == 55u);
    BOOST_TEST(conv(1, 1, 230, 230, 7, 7, 2).out_width() == 112u);  // 223 / 2 rounds down
    BOOST_TEST(conv(1, 1, 171, 41, 41, 11, 2).out_height() == 66u);
    BOOST_TEST(conv(1, 1, 171, 41, 41, 11, 2).out_width() == 16u);
    BOOST_TEST(conv(1, 1, 7, 7, 2, 2, 4).out_positions() == 4u);   // windows at 0 and 4
    BOOST_TEST(conv(1, 1, 1, 1, 1, 1, 3).out_positions() == 1u);   // FC
    BOOST_TEST(conv(3, 5, 9, 8, 3, 1, 1).kernel_positions() == 3u);
    BOOST_TEST(conv(3, 5, 9, 8, 3, 1, 1).macs() == 5u * 3u * 3u * 7u * 8u);
}

BOOST_AUTO_TEST_CASE(stride_two) { run_everywhere(conv(5, 9, 9, 11, 3, 3, 2)); }

BOOST_AUTO_TEST_CASE(strides_three_and_four_that_do_not_divide_the_map) {
    run_everywhere(conv(3, 6, 12, 10, 3, 3, 3));   // 9 rows reached of 12
    run_everywhere(conv(7, 4, 11, 13, 2, 2, 4));   // windows skip input rows and columns
}

BOOST_AUTO_TEST_CASE(one_by_one) {
    run_everywhere(conv(19, 21, 5, 6, 1, 1, 1));
    run_everywhere(conv(9, 5, 8, 7, 1, 1, 2));  // a strided 1x1 (ResNet's downsampling shortcut)
}

BOOST_AUTO_TEST_CASE(three_by_one_and_one_by_three) {
    run_everywhere(conv(6, 10, 7, 5, 3, 1, 1));
    run_everywhere(conv(6, 10, 5, 7, 1, 3, 1));
    run_everywhere(conv(4, 3, 9, 6, 3, 1, 2));
}

BOOST_AUTO_TEST_CASE(two_by_two_even_filter) { run_everywhere(conv(8, 8, 6, 7, 2, 2, 1)); }

BOOST_AUTO_TEST_CASE(five_by_five) { run_everywhere(conv(3, 7, 9, 9, 5, 5, 1)); }

BOOST_AUTO_TEST_CASE(seven_by_seven_stride_two) { run_everywhere(conv(3, 5, 13, 12, 7, 7, 2)); }

BOOST_AUTO_TEST_CASE(fully_connected) {
    run_everywhere(conv(40, 17, 1, 1, 1, 1, 1));
    run_everywhere(conv(70, 3, 1, 1, 1, 1, 4));  // a stride changes nothing on a 1x1 map
}

BOOST_AUTO_TEST_CASE(filter_as_large_as_the_map) { run_everywhere(conv(6, 6, 5, 4, 5, 4, 1)); }

BOOST_AUTO_TEST_CASE(channels_that_are_not_multiples_of_the_array) {
    run_everywhere(conv(13, 11, 6, 6, 3, 3, 1));
    run_everywhere(conv(33, 7, 5, 5, 3, 2, 2));
}

BOOST_AUTO_TEST_CASE(column_bands_when_one_output_row_does_not_fit) {
    // 3 input rows x 30 columns = 90 activation words > the 60 below the weight base.
    accel_config small;
    small.arch.xmem.words = 120;
    small.arch.pmem.words = 600;
    const coverage c = run_everywhere(conv(10, 9, 8, 30, 3, 3, 1), small);
    BOOST_TEST(c.column_bands == c.runs);
    const coverage s = run_everywhere(conv(4, 6, 12, 29, 3, 2, 2), small);
    BOOST_TEST(s.column_bands == s.runs);
}

BOOST_AUTO_TEST_CASE(kernel_groups_when_one_pixel_does_not_fit) {
    // A 5x5 filter: one pixel's 25 x 25 psums > 200 pmem words in the reference schedule; with
    // 2 input tiles on the small arrays the groups' and tiles' sums meet in the partial words.
    accel_config small;
    small.arch.pmem.words = 200;
    const coverage c = run_everywhere(conv(20, 9, 9, 10, 5, 5, 1), small);
    BOOST_TEST(c.kernel_groups == c.reference_runs);
    const coverage s = run_everywhere(conv(6, 5, 11, 11, 7, 5, 3), small);
    BOOST_TEST(s.kernel_groups == s.reference_runs);
}

BOOST_AUTO_TEST_CASE(real_network_layers_plan_on_the_default_memories) {
    // The RTL's memories (xmem 2048 words, weights from 1024; pmem 2048 words) on the layers
    // of big networks: every one plans (only a memory too small for one pass is impossible),
    // within those limits; the report line names the split.
    struct net_layer {
        const char* name;
        layer_keys L;
        // Column bands, kernel groups that the memories force (a row of the map does not fit,
        // one pixel's psums of every kernel position do not fit); the fastest plan may use
        // them on other layers too.
        bool cols, groups;
    };
    const net_layer layers[] = {
        {"AlexNet conv1", conv(3, 96, 227, 227, 11, 11, 4), true, true},
        {"ResNet-50 conv1", conv(3, 64, 230, 230, 7, 7, 2), true, true},
        {"DeepSpeech2 conv", conv(1, 32, 171, 41, 41, 11, 2), true, true},
        {"1x1 224x224x64 -> 256", conv(64, 256, 224, 224, 1, 1, 1), false, false},  // either
        {"FC 4096 -> 1000", conv(4096, 1000, 1, 1, 1, 1, 1), false, false},
        {"VGG16 conv1_2", conv(64, 64, 226, 226, 3, 3, 1), true, false},
    };
    for (const auto& n : layers) {
        accel_config cfg;
        cfg.layer = n.L;
        BOOST_TEST_CONTEXT(n.name) {
            const tiling_plan p = plan_tiling(cfg);
            BOOST_TEST_MESSAGE(n.name << ": " << p.describe(n.L));
            if (n.cols) BOOST_TEST(p.split_cols(), p.describe(n.L));
            if (n.groups) BOOST_TEST(p.split_kernel(), p.describe(n.L));
            unsigned largest_group = 0, covered = 0;
            for (const auto& g : p.kernel_groups) {
                largest_group = std::max(largest_group, g.count);
                covered += g.count;
            }
            BOOST_TEST(covered == n.L.kernel_positions());
            std::uint64_t pixels = 0;
            for (const auto& b : p.bands) {
                BOOST_TEST(b.positions() + 1 <= 1024u);
                BOOST_TEST(std::uint64_t{largest_group} * b.positions() + 1 <= p.partial_base);
                pixels += b.out_positions();
            }
            BOOST_TEST(pixels == n.L.out_positions());
        }
    }
}

BOOST_AUTO_TEST_CASE(smaller_real_network_layers_run_on_the_default_memories) {
    // The real layers small enough for a unit test, with data, on the RTL's memories and an
    // 8x8 array (LT fidelity, reference schedule): bit-exact against the golden model.
    struct net_layer {
        const char* name;
        layer_keys L;
    };
    const net_layer layers[] = {
        {"DeepSpeech2 conv", conv(1, 32, 171, 41, 41, 11, 2)},
        {"FC 4096 -> 1000", conv(4096, 1000, 1, 1, 1, 1, 1)},
    };
    for (const auto& n : layers) {
        accel_config cfg;
        cfg.layer = n.L;
        cfg.arch.model = fidelity::lt;
        const layer_data d = test::random_layer(n.L, 11);
        const run_result r = run_layer(cfg, d);
        BOOST_TEST(mismatches(r.output, golden_output(d, true)) == 0u, n.name << ": " << r.plan.describe(n.L));
        BOOST_TEST(r.stats.macs == n.L.macs());
    }
}

BOOST_AUTO_TEST_CASE(real_network_layer_shapes_run_scaled_down) {
    // The same filters and strides on maps and channel counts a unit test can compute, on the
    // default memories narrowed so that they split the same ways.
    accel_config small;
    small.arch.xmem.words = 512;
    small.arch.pmem.words = 400;
    run_everywhere(conv(3, 10, 31, 27, 11, 11, 4), small);  // AlexNet conv1's filter
    run_everywhere(conv(3, 9, 20, 21, 7, 7, 2), small);     // ResNet-50 conv1's
    run_everywhere(conv(1, 5, 45, 15, 17, 5, 2), small);    // a DeepSpeech2-like tall filter
}

BOOST_AUTO_TEST_CASE(random_layers_of_every_kind) {
    // Seeded random layers of every kind (tests/support/random_layer.h) on random arrays and
    // memories down to one pass: never impossible, always bit-exact.
    const unsigned first_seed = 300;
    unsigned strided = 0, groups = 0, cols = 0;
    for (unsigned seed = first_seed; seed < first_seed + 30; ++seed) {
        std::mt19937 rng(seed);
        const layer_keys L = test::random_conv_shape(rng, 24, 9);
        accel_config base;
        const unsigned window = L.kernel_h * L.kernel_w;  // one pixel's positions
        base.arch.xmem.words = 2 * std::max(33u, window + 1 + unsigned(rng() % (4 * window + 20)));
        base.arch.pmem.words = window + 2 + unsigned(rng() % (10 * window + 40));
        BOOST_TEST_CONTEXT("seed " << seed) {
            const coverage c = run_everywhere(L, base, seed);
            strided += L.stride > 1;
            groups += c.kernel_groups > 0;
            cols += c.column_bands > 0;
        }
    }
    BOOST_TEST_MESSAGE(strided << " strided, " << groups << " with kernel groups, " << cols << " with column bands");
    BOOST_TEST(strided >= 15u);
    BOOST_TEST(groups >= 5u);
    BOOST_TEST(cols >= 5u);
}

BOOST_AUTO_TEST_SUITE_END()
