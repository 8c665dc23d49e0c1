// The 16 external vector sets: each manifest loads, and the expected output (and psum / acc
// files where present) agrees with a naive direct convolution computed here from layer_data.

#include "support/sc_fixture.h"
#include "tlm/bits.h"
#include "vectors/vector_set.h"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace satlm;

namespace {

const std::vector<std::string> external_sets = {
    "inq-ws4-p1",     "wcl-ws4-p1",    "yas-ws4",       "shin-ws4-fa23",
    "mew-ws4-p1",     "ach-ws4-p1",    "dsanei-ws4",    "stan-ws4-p1",
    "jlk-ws4-p1",     "yrn-ws4-10x10", "mit-ws4-18x18", "dingy-ws4-2itile",
    "mit-ws4-2otile", "yas-2b",        "wly-2b-16oc",   "mew-2b-oddeven"};

std::string manifest_of(const std::string& set) {
    return satlm::test::source_dir() + "/vectors/external/" + set + ".toml";
}

/// psum(kij, nij, oc) over the input channels [ic0, ic1), wrapped to psum_bits.
std::int64_t naive_psum(const layer_data& d, unsigned oc, unsigned ic0, unsigned ic1, unsigned kij,
                        unsigned nij) {
    std::int64_t s = 0;
    for (unsigned ic = ic0; ic < ic1; ++ic)
        s += std::int64_t{d.weight_at(oc, ic, kij)} * d.act_at(ic, nij);
    return wrap_signed(s, d.shape.psum_bits);
}

/// Output before ReLU: the wrapped sum over all kernel positions and input channels.
std::int64_t naive_out(const layer_data& d, unsigned oc, unsigned onij) {
    const auto& L = d.shape;
    const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
    std::int64_t s = 0;
    for (unsigned kij = 0; kij < L.kernel_positions(); ++kij) {
        const unsigned nij = (orow + kij / L.kernel_w) * L.padded_width + ocol + kij % L.kernel_w;
        for (unsigned ic = 0; ic < L.in_channels; ++ic)
            s += std::int64_t{d.weight_at(oc, ic, kij)} * d.act_at(ic, nij);
    }
    return wrap_signed(s, L.psum_bits);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(vector_external)

BOOST_AUTO_TEST_CASE(every_shared_set_has_a_manifest) {
    const fs::path ext = fs::path(satlm::test::shared_dir()) / "vectors" / "external";
    BOOST_REQUIRE_MESSAGE(fs::is_directory(ext), "shared vector sets missing: " << ext);
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(ext)) {
        if (!entry.is_directory()) continue;
        ++n;
        BOOST_TEST(fs::exists(manifest_of(entry.path().filename().string())),
                   entry.path().filename());
    }
    BOOST_TEST(n == external_sets.size());
}

namespace {

void check_external_set(const std::string& set) {
    BOOST_REQUIRE_MESSAGE(
        fs::is_directory(fs::path(satlm::test::shared_dir()) / "vectors" / "external" / set),
        "shared vector set missing: " << set);
    const vector_set vs = load_vector_set(manifest_of(set), accel_config{}, {}, true);
    const auto& L = vs.layer.shape;
    BOOST_REQUIRE(vs.expected.output.has_value());
    const layer_output& out = *vs.expected.output;
    BOOST_TEST(out.out_positions == L.out_positions());
    BOOST_TEST(out.out_channels == L.out_channels);
    BOOST_TEST(out.values.size() == std::size_t{L.out_positions()} * L.out_channels);
    std::size_t mismatches = 0, nonzero = 0;
    for (unsigned onij = 0; onij < L.out_positions(); ++onij)
        for (unsigned oc = 0; oc < L.out_channels; ++oc) {
            const std::int64_t raw = naive_out(vs.layer, oc, onij);
            const std::int64_t want = out.relu ? relu(raw) : raw;
            nonzero += want != 0;
            if (out.at(onij, oc) != want && ++mismatches <= 5)
                BOOST_ERROR(set << ": onij " << onij << " oc " << oc << ": file "
                                << out.at(onij, oc) << ", naive conv " << want);
        }
    BOOST_TEST(mismatches == 0u);
    BOOST_TEST(nonzero > 0u);  // an all-zero decode would match trivially

    // Psum files: per file tile (itile, otile) and kernel position.
    std::size_t psum_bad = 0;
    const unsigned tin = vs.config.tile_in_channels(), tout = vs.config.tiles.out_channels;
    for (const auto& b : vs.expected.psums) {
        const unsigned ic0 = b.itile * tin, ic1 = std::min(L.in_channels, ic0 + tin);
        for (unsigned nij = 0; nij < L.positions(); ++nij)
            for (unsigned c = 0; c < tout && b.otile * tout + c < L.out_channels; ++c) {
                const std::int64_t want =
                    naive_psum(vs.layer, b.otile * tout + c, ic0, ic1, b.kij, nij);
                const std::int64_t got = b.values[std::size_t{nij} * tout + c];
                if (got != want) {
                    ++psum_bad;
                    BOOST_TEST_MESSAGE(b.file << ":" << b.lines[nij] << ": oc " << c << " got "
                                              << got << " want " << want);
                }
            }
    }
    const bool has_psum = set == "wcl-ws4-p1" || set == "shin-ws4-fa23" || set == "yrn-ws4-10x10" ||
                          set == "mit-ws4-18x18" || set == "mit-ws4-2otile";
    BOOST_TEST(vs.expected.psums.empty() == !has_psum);
    if (has_psum)
        BOOST_TEST(vs.expected.psums.size() == std::size_t{L.kernel_positions()} *
                                                   ceil_div(L.in_channels, tin) *
                                                   ceil_div(L.out_channels, tout));
    BOOST_TEST(psum_bad == (set == "wcl-ws4-p1" ? 1u : 0u));

    // Acc addresses: onij-major, kij-minor, kij x N + (orow + ki) x width + (ocol + kj).
    const bool has_acc = set == "shin-ws4-fa23" || set == "ach-ws4-p1" || set == "dsanei-ws4" ||
                         set == "yrn-ws4-10x10";
    BOOST_TEST(vs.expected.acc.has_value() == has_acc);
    if (vs.expected.acc) {
        const auto& acc = *vs.expected.acc;
        BOOST_REQUIRE(acc.size() == std::size_t{L.out_positions()} * L.kernel_positions());
        std::size_t n = 0, acc_bad = 0;
        for (unsigned onij = 0; onij < L.out_positions(); ++onij)
            for (unsigned kij = 0; kij < L.kernel_positions(); ++kij, ++n) {
                const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
                const std::uint32_t want = kij * L.positions() +
                                           (orow + kij / L.kernel_w) * L.padded_width + ocol +
                                           kij % L.kernel_w;
                acc_bad += acc[n] != want;
            }
        BOOST_TEST(acc_bad == 0u);
    }
}

}  // namespace

// One named case per set, so that a failure names the set.
#define SATLM_EXTERNAL_SET_CASE(id, name) \
    BOOST_AUTO_TEST_CASE(id) { check_external_set(name); }
SATLM_EXTERNAL_SET_CASE(inq_ws4_p1, "inq-ws4-p1")
SATLM_EXTERNAL_SET_CASE(wcl_ws4_p1, "wcl-ws4-p1")
SATLM_EXTERNAL_SET_CASE(yas_ws4, "yas-ws4")
SATLM_EXTERNAL_SET_CASE(shin_ws4_fa23, "shin-ws4-fa23")
SATLM_EXTERNAL_SET_CASE(mew_ws4_p1, "mew-ws4-p1")
SATLM_EXTERNAL_SET_CASE(ach_ws4_p1, "ach-ws4-p1")
SATLM_EXTERNAL_SET_CASE(dsanei_ws4, "dsanei-ws4")
SATLM_EXTERNAL_SET_CASE(stan_ws4_p1, "stan-ws4-p1")
SATLM_EXTERNAL_SET_CASE(jlk_ws4_p1, "jlk-ws4-p1")
SATLM_EXTERNAL_SET_CASE(yrn_ws4_10x10, "yrn-ws4-10x10")
SATLM_EXTERNAL_SET_CASE(mit_ws4_18x18, "mit-ws4-18x18")
SATLM_EXTERNAL_SET_CASE(dingy_ws4_2itile, "dingy-ws4-2itile")
SATLM_EXTERNAL_SET_CASE(mit_ws4_2otile, "mit-ws4-2otile")
SATLM_EXTERNAL_SET_CASE(yas_2b, "yas-2b")
SATLM_EXTERNAL_SET_CASE(wly_2b_16oc, "wly-2b-16oc")
SATLM_EXTERNAL_SET_CASE(mew_2b_oddeven, "mew-2b-oddeven")
#undef SATLM_EXTERNAL_SET_CASE

/// Mismatches between a set's output file and the naive convolution of what was decoded.
std::size_t output_mismatches(const vector_set& vs) {
    std::size_t bad = 0;
    const auto& L = vs.layer.shape;
    for (unsigned onij = 0; onij < L.out_positions(); ++onij)
        for (unsigned oc = 0; oc < L.out_channels; ++oc) {
            const std::int64_t raw = naive_out(vs.layer, oc, onij);
            bad += vs.expected.output->at(onij, oc) != (vs.expected.output->relu ? relu(raw) : raw);
        }
    return bad;
}

BOOST_AUTO_TEST_CASE(wrong_format_keys_are_detected_by_the_values) {
    // The naive-conv comparison is sharp enough to see each format key of the manifests.
    const std::vector<std::pair<std::string, std::pair<std::string, std::string>>> flips = {
        {"mew-2b-oddeven", {"format.weight_2bit_lines", "even_first"}},
        {"dsanei-ws4", {"format.output_lane_order", "high_first"}},
        {"mew-ws4-p1", {"format.output_relu", "true"}},
        {"yas-2b", {"format.weight_2bit_lines", "odd_first"}},
        {"stan-ws4-p1", {"format.output_lane_order", "high_first"}}};
    // (format.lane_order alone is not visible here: it permutes activations and weights alike.)
    for (const auto& [set, kv] : flips) {
        const vector_set good = load_vector_set(manifest_of(set), accel_config{}, {}, true);
        BOOST_TEST(output_mismatches(good) == 0u, set);
        const vector_set bad = load_vector_set(manifest_of(set), accel_config{}, {kv}, true);
        BOOST_TEST(output_mismatches(bad) > 0u, set << " with " << kv.first << "=" << kv.second);
    }
}

BOOST_AUTO_TEST_CASE(no_check_opens_no_expected_file) {
    // mit-ws4-2otile with an output pattern that names no existing file still loads.
    const vector_set vs =
        load_vector_set(manifest_of("mit-ws4-2otile"), accel_config{},
                        {{"files.output", "missing{o}.txt"}, {"files.psum", "nope{k}.txt"}}, false);
    BOOST_TEST(!vs.expected.output.has_value());
    BOOST_TEST(vs.expected.psums.empty());
    BOOST_TEST(vs.layer.shape.out_channels == 16u);
}

BOOST_AUTO_TEST_SUITE_END()
