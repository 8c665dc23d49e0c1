#include "dataflow/ws/pass_compute.h"

#include "tlm/bits.h"

#include "support/random_layer.h"

#include <boost/test/unit_test.hpp>

#include <random>

using namespace satlm;
using satlm::test::random_layer;

namespace {

/// The column chain of the array written out literally: one wrapped add per PE row.
std::int64_t chain(const layer_data& d, const tiling_plan& p, unsigned ot, unsigned it,
                   unsigned kij, unsigned nij, unsigned c) {
    const auto& L = d.shape;
    const unsigned oc = ot * p.pass_out_channels + c;
    if (oc >= L.out_channels) return 0;
    std::int64_t psum = 0;
    for (unsigned r = 0; r < p.pass_in_channels; ++r) {
        const unsigned ic = it * p.pass_in_channels + r;
        if (ic >= L.in_channels) continue;
        psum = wrap_signed(psum + std::int64_t{d.weight_at(oc, ic, kij)} * d.act_at(ic, nij),
                           L.psum_bits);
    }
    return psum;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(pass_compute_suite)

BOOST_AUTO_TEST_CASE(matches_the_column_chain_on_random_passes) {
    std::mt19937 rng(12345);
    for (int trial = 0; trial < 60; ++trial) {
        accel_config cfg;
        auto& L = cfg.layer;
        L.act_bits = (trial % 3 == 0) ? 2 : 4;
        L.weight_bits = 2 + rng() % 3;
        const unsigned bits[] = {8, 10, 16, 17, 24, 32};
        L.psum_bits = bits[trial % 6];
        L.in_channels = 1 + rng() % 40;
        L.out_channels = 1 + rng() % 40;
        L.kernel_h = L.kernel_w = (trial % 4 == 0) ? 1 : 3;
        L.padded_height = L.kernel_h + rng() % 8;
        L.padded_width = L.kernel_w + rng() % 8;
        cfg.arch.rows = 1 + rng() % 20;
        cfg.arch.cols = 1 + rng() % 20;
        const auto d = random_layer(L, rng);
        const auto p = plan_tiling(cfg);
        pass_compute pc(d, p);
        BOOST_TEST(pc.wide() == (L.psum_bits > 16));
        const unsigned n = L.positions();
        for (unsigned ot = 0; ot < p.out_tiles; ++ot)
            for (unsigned it = 0; it < p.in_tiles; ++it) {
                const unsigned kij = rng() % L.kernel_positions();
                const unsigned nij0 = rng() % n, len = 1 + rng() % (n - nij0);
                const auto got = pc.psums(ot, it, kij, nij0, len);
                BOOST_TEST_REQUIRE(got.size() == std::size_t{len} * p.pass_out_channels);
                for (unsigned j = 0; j < len; ++j)
                    for (unsigned c = 0; c < p.pass_out_channels; ++c)
                        if (got[std::size_t{j} * p.pass_out_channels + c] !=
                            chain(d, p, ot, it, kij, nij0 + j, c)) {
                            BOOST_ERROR("trial " << trial << " otile " << ot << " itile " << it
                                                 << " kij " << kij << " nij " << nij0 + j
                                                 << " col " << c);
                            return;
                        }
            }
    }
}

BOOST_AUTO_TEST_CASE(wraps_like_a_16_bit_register) {
    // 64 channels of 15 x -8 = -7680 in one column: the chain wraps past -32768.
    accel_config cfg;
    cfg.layer.in_channels = 64;
    cfg.layer.out_channels = 1;
    cfg.arch.rows = 64;
    cfg.arch.cols = 1;
    layer_data d(cfg.layer);
    for (auto& a : d.act) a = 15;
    for (auto& w : d.weight) w = -8;
    const auto p = plan_tiling(cfg);
    pass_compute pc(d, p);
    const auto v = pc.psums(0, 0, 4, 0, 1);
    BOOST_TEST(v[0] == wrap_signed(-7680, 16));
    BOOST_TEST(v[0] == 57856 - 65536 + 0);  // -7680 fits: no wrap yet
    // 5 columns' worth is needed to wrap: check with 8-bit psums instead.
    cfg.layer.psum_bits = 8;
    d.shape.psum_bits = 8;
    pass_compute pc8(d, p);
    BOOST_TEST(pc8.psums(0, 0, 0, 0, 1)[0] == wrap_signed(-7680, 8));
}

BOOST_AUTO_TEST_CASE(two_bit_lanes_carry_two_channels) {
    accel_config cfg;
    cfg.layer.act_bits = 2;
    cfg.layer.in_channels = 16;
    const auto p = plan_tiling(cfg);
    BOOST_TEST(p.pass_in_channels == 16u);
    layer_data d(cfg.layer);
    d.act_at(15, 7) = 3;  // high half of row 7
    d.act_at(14, 7) = 2;  // low half of row 7
    d.weight_at(5, 15, 0) = -4;
    d.weight_at(5, 14, 0) = 3;
    pass_compute pc(d, p);
    const auto v = pc.psums(0, 0, 0, 0, 36);
    BOOST_TEST(v[7 * 8 + 5] == 3 * -4 + 2 * 3);
    BOOST_TEST(v[6 * 8 + 5] == 0);
}

BOOST_AUTO_TEST_CASE(rejects_passes_outside_the_layer) {
    accel_config cfg;
    const auto p = plan_tiling(cfg);
    layer_data d(cfg.layer);
    pass_compute pc(d, p);
    std::vector<std::uint16_t> plane(8 * 40);
    BOOST_CHECK_THROW(pc.run<std::uint16_t>(1, 0, 0, 0, 36, plane.data(), 36), std::out_of_range);
    BOOST_CHECK_THROW(pc.run<std::uint16_t>(0, 0, 9, 0, 36, plane.data(), 36), std::out_of_range);
    BOOST_CHECK_THROW(pc.run<std::uint16_t>(0, 0, 0, 1, 36, plane.data(), 36), std::out_of_range);
    BOOST_CHECK_NO_THROW(pc.run<std::uint16_t>(0, 0, 0, 0, 36, plane.data(), 36));
    layer_data wrong(cfg.layer);
    wrong.act.pop_back();
    BOOST_CHECK_THROW(pass_compute(wrong, p), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()
