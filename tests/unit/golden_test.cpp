// The golden model against a naive convolution loop, on random layers and on a real set.
#include "testbench/golden.h"
#include "tlm/bits.h"

#include "support/sc_fixture.h"

#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include <fstream>
#include <random>
#include <string>
#include <vector>

using namespace satlm;
using satlm::test::random_layer;

namespace {

layer_keys random_shape(std::mt19937_64& rng) {
    layer_keys L;
    L.in_channels = 1 + rng() % 20;
    L.out_channels = 1 + rng() % 20;
    // Square odd filters, and any other shape (even, non-square) with strides 1..4.
    if (rng() % 2) {
        L.kernel_h = L.kernel_w = 1 + 2 * (rng() % 3);
    } else {
        L.kernel_h = 1 + rng() % 5;
        L.kernel_w = 1 + rng() % 5;
        L.stride = 1 + rng() % 4;
    }
    L.padded_height = L.kernel_h + rng() % 9;
    L.padded_width = L.kernel_w + rng() % 9;
    L.act_bits = rng() % 2 ? 4 : 2;
    L.weight_bits = 2 + rng() % 3;
    L.psum_bits = rng() % 3 == 0 ? 8 : 16;  // 8 bits: the wrap-around matters
    return L;
}

// The definition, loop by loop: out[o][oc] = sum_ic sum_(ki,kj) W[oc][ic][ki * kw + kj] *
// act[ic][(orow * stride + ki) * width + ocol * stride + kj].
std::int64_t naive_sum(const layer_data& d, unsigned onij, unsigned oc) {
    const layer_keys& L = d.shape;
    const unsigned orow = onij / L.out_width(), ocol = onij % L.out_width();
    std::int64_t s = 0;
    for (unsigned ic = 0; ic < L.in_channels; ++ic)
        for (unsigned ki = 0; ki < L.kernel_h; ++ki)
            for (unsigned kj = 0; kj < L.kernel_w; ++kj)
                s += std::int64_t{d.weight_at(oc, ic, ki * L.kernel_w + kj)} *
                     d.act_at(ic, (orow * L.stride + ki) * L.padded_width + ocol * L.stride + kj);
    return s;
}

// A canonical 4-bit file's data lines (after its '#' header).
std::vector<std::string> data_lines(const std::string& path) {
    std::ifstream f(path);
    BOOST_REQUIRE_MESSAGE(f, "cannot open " << path);
    std::vector<std::string> v;
    std::string line;
    while (std::getline(f, line)) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty() && line[0] != '#') v.push_back(line);
    }
    return v;
}

std::uint64_t field(const std::string& line, unsigned index, unsigned width) {
    return std::stoull(line.substr(std::size_t{index} * width, width), nullptr, 2);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(golden)

BOOST_AUTO_TEST_CASE(output_matches_naive_loop_on_random_layers) {
    const std::uint64_t seed = 20240601;
    BOOST_TEST_MESSAGE("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int t = 0; t < 200; ++t) {
        const layer_keys L = random_shape(rng);
        const layer_data d = random_layer(L, rng);
        const bool relu = t % 2 == 0;
        const layer_output out = golden_output(d, relu);
        BOOST_REQUIRE_EQUAL(out.out_positions, L.out_positions());
        BOOST_REQUIRE_EQUAL(out.out_channels, L.out_channels);
        BOOST_TEST(out.relu == relu);
        for (unsigned o = 0; o < L.out_positions(); ++o)
            for (unsigned oc = 0; oc < L.out_channels; ++oc) {
                std::int64_t want = wrap_signed(naive_sum(d, o, oc), L.psum_bits);
                if (relu) want = satlm::relu(want);
                if (out.at(o, oc) != want) {
                    BOOST_ERROR("seed " << seed << " layer " << t << " pixel " << o << " oc " << oc
                                        << ": got " << out.at(o, oc) << " expected " << want);
                    return;
                }
            }
    }
}

BOOST_AUTO_TEST_CASE(psums_match_naive_loop_including_padded_channels) {
    const std::uint64_t seed = 77;
    BOOST_TEST_MESSAGE("seed " << seed);
    std::mt19937_64 rng(seed);
    for (int t = 0; t < 100; ++t) {
        const layer_keys L = random_shape(rng);
        const layer_data d = random_layer(L, rng);
        const unsigned tin = 1 + rng() % 8, tout = 1 + rng() % 8;
        const unsigned ic0 = tin * (rng() % ((L.in_channels + tin - 1) / tin));
        const unsigned oc0 = tout * (rng() % ((L.out_channels + tout - 1) / tout));
        const unsigned kij = rng() % L.kernel_positions();
        const auto p = golden_psums(d, ic0, tin, oc0, tout, kij);
        BOOST_REQUIRE_EQUAL(p.size(), std::size_t{L.positions()} * tout);
        for (unsigned nij = 0; nij < L.positions(); ++nij)
            for (unsigned c = 0; c < tout; ++c) {
                std::int64_t s = 0;
                for (unsigned ic = ic0; ic < ic0 + tin; ++ic)
                    if (ic < L.in_channels && oc0 + c < L.out_channels)
                        s += std::int64_t{d.weight_at(oc0 + c, ic, kij)} * d.act_at(ic, nij);
                const std::int64_t want = wrap_signed(s, L.psum_bits);
                if (p[std::size_t{nij} * tout + c] != want) {
                    BOOST_ERROR("seed " << seed << " layer " << t << " nij " << nij << " c " << c
                                        << ": got " << p[std::size_t{nij} * tout + c] << " expected " << want);
                    return;
                }
            }
    }
}

BOOST_AUTO_TEST_CASE(psums_accumulated_over_kij_and_tiles_give_the_output) {
    std::mt19937_64 rng(5);
    layer_keys L;
    L.in_channels = 13;
    L.out_channels = 5;
    L.padded_height = 7;
    L.padded_width = 6;
    const layer_data d = random_layer(L, rng);
    const layer_output out = golden_output(d, false);
    for (unsigned o = 0; o < L.out_positions(); ++o) {
        const unsigned orow = o / L.out_width(), ocol = o % L.out_width();
        std::vector<std::int64_t> acc(L.out_channels, 0);
        for (unsigned ic0 = 0; ic0 < L.in_channels; ic0 += 8)
            for (unsigned kij = 0; kij < 9; ++kij) {
                const auto p = golden_psums(d, ic0, 8, 0, L.out_channels, kij);
                const unsigned nij = (orow + kij / 3) * L.padded_width + ocol + kij % 3;
                for (unsigned oc = 0; oc < L.out_channels; ++oc)
                    acc[oc] = wrap_signed(acc[oc] + p[std::size_t{nij} * L.out_channels + oc], 16);
            }
        for (unsigned oc = 0; oc < L.out_channels; ++oc) BOOST_TEST(acc[oc] == out.at(o, oc));
    }
}

BOOST_AUTO_TEST_CASE(wraps_then_applies_relu) {
    // Two channels, 1x1 kernel, 8-bit psums: 2 x 15 x 7 = 210 wraps to -46 (ReLU: 0) and
    // 2 x 15 x -8 = -240 wraps to 16 (ReLU keeps it).
    layer_keys L;
    L.in_channels = 2;
    L.out_channels = 2;
    L.kernel_h = L.kernel_w = 1;
    L.padded_height = 1;
    L.padded_width = 2;
    L.psum_bits = 8;
    layer_data d(L);
    d.act = {15, 1, 15, 2};    // [ic][nij]
    d.weight = {7, 7, -8, -8};  // [oc][ic]
    const layer_output pre = golden_output(d, false);
    BOOST_TEST(pre.values == (std::vector<std::int64_t>{210 - 256, 16, 21, -24}),
               boost::test_tools::per_element());
    const layer_output post = golden_output(d, true);
    BOOST_TEST(post.values == (std::vector<std::int64_t>{0, 16, 21, 0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rejects_kernel_position_past_the_kernel) {
    layer_data d{layer_keys{}};
    BOOST_CHECK_THROW(golden_psums(d, 0, 8, 0, 8, 9), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(reproduces_the_real_layer27_output) {
    // inq-ws4-p1: the notebook's own layer-27 vectors (4-bit, 8->8, 6x6 padded).
    const std::string dir = satlm::test::shared_dir() + "/vectors/external/inq-ws4-p1/";
    layer_data d{layer_keys{}};
    const auto act = data_lines(dir + "activation_tile0.txt");
    BOOST_REQUIRE_EQUAL(act.size(), 36u);
    for (unsigned nij = 0; nij < 36; ++nij)
        for (unsigned ic = 0; ic < 8; ++ic) d.act_at(ic, nij) = static_cast<std::uint8_t>(field(act[nij], 7 - ic, 4));
    for (unsigned kij = 0; kij < 9; ++kij) {
        const auto w = data_lines(dir + "weight_itile0_otile0_kij" + std::to_string(kij) + ".txt");
        BOOST_REQUIRE_EQUAL(w.size(), 8u);
        for (unsigned oc = 0; oc < 8; ++oc)
            for (unsigned ic = 0; ic < 8; ++ic)
                d.weight_at(oc, ic, kij) = static_cast<std::int8_t>(sign_extend(field(w[oc], 7 - ic, 4), 4));
    }
    const auto expected = data_lines(dir + "out.txt");
    const layer_output out = golden_output(d, true);
    BOOST_REQUIRE_EQUAL(expected.size(), 16u);
    for (unsigned o = 0; o < 16; ++o)
        for (unsigned oc = 0; oc < 8; ++oc)
            BOOST_TEST(out.at(o, oc) == static_cast<std::int64_t>(field(expected[o], 7 - oc, 16)),
                       "pixel " << o << " oc " << oc);
}

BOOST_AUTO_TEST_SUITE_END()
