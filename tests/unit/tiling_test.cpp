#include "dataflow/ws/schedule.h"
#include "dataflow/ws/tiling.h"

#include "tlm/report.h"

#include <boost/test/unit_test.hpp>

#include <numeric>
#include <string>

using namespace satlm;

namespace {

accel_config layer_cfg(unsigned in_ch, unsigned out_ch, unsigned padded, unsigned act_bits = 4) {
    accel_config c;
    c.layer.in_channels = in_ch;
    c.layer.out_channels = out_ch;
    c.layer.padded_height = padded;
    c.layer.padded_width = padded;
    c.layer.act_bits = act_bits;
    return c;
}

unsigned total_rows(const tiling_plan& p) {
    unsigned rows = 0;
    for (unsigned b = 0; b < p.bands.size(); b += p.col_bands) rows += p.bands[b].out_rows;
    return rows;
}

/// The plan covers every output pixel once with a row-major grid of bands, each band reads its
/// pixels' windows (with halos) inside the map, the kernel groups cover every kernel position
/// in order, and every band satisfies the SRAM limits the plan is built on.
void check_bands_fit(const accel_config& c, const tiling_plan& p) {
    const auto& L = c.layer;
    BOOST_TEST_REQUIRE(p.bands.size() == std::size_t{p.row_bands} * p.col_bands);
    unsigned next = 0, largest = 0;
    for (const auto& g : p.kernel_groups) {
        BOOST_TEST(g.first == next);
        BOOST_TEST(g.count >= 1u);
        next += g.count;
        largest = std::max(largest, g.count);
    }
    BOOST_TEST(next == L.kernel_positions());
    unsigned max_pixels = 0;
    for (unsigned r = 0, row = 0; r < p.row_bands; ++r) {
        unsigned col = 0;
        for (unsigned q = 0; q < p.col_bands; ++q) {
            const map_band& b = p.bands[std::size_t{r} * p.col_bands + q];
            BOOST_TEST(b.out_row0 == row);
            BOOST_TEST(b.out_col0 == col);
            BOOST_TEST(b.out_rows == p.bands[std::size_t{r} * p.col_bands].out_rows);
            BOOST_TEST(b.out_cols == p.bands[q].out_cols);
            BOOST_TEST(b.out_rows >= 1u);
            BOOST_TEST(b.out_cols >= 1u);
            col += b.out_cols;
            BOOST_TEST(b.in_row0 == b.out_row0 * L.stride);
            BOOST_TEST(b.in_col0 == b.out_col0 * L.stride);
            BOOST_TEST(b.in_rows >= (b.out_rows - 1) * L.stride + L.kernel_h);
            BOOST_TEST(b.in_cols >= (b.out_cols - 1) * L.stride + L.kernel_w);
            BOOST_TEST(b.in_row0 + b.in_rows <= L.padded_height);
            BOOST_TEST(b.in_col0 + b.in_cols <= L.padded_width);
            const unsigned n = p.band_positions(b, L);
            BOOST_TEST(n + 1 <= c.arch.xmem_weight_base());
            BOOST_TEST(std::uint64_t{largest} * n + 1 <= p.partial_base);
            max_pixels = std::max(max_pixels, b.out_positions());
        }
        BOOST_TEST(col == L.out_width());
        row += p.bands[std::size_t{r} * p.col_bands].out_rows;
    }
    BOOST_TEST(total_rows(p) == L.out_height());
    BOOST_TEST(p.partial_base == c.arch.pmem.words - (p.contributions() > 1 ? max_pixels : 0u));
}

/// The schedule's total cycles of `p`.
std::uint64_t cycles_of(const accel_config& c, const tiling_plan& p) {
    return total_cycles(build_schedule(c, p)).total();
}

/// `p` re-planned as full-width row bands of `rows` output rows (the even split) with every
/// kernel position in one group: the plan of earlier versions whenever such a band fits. The
/// planner must never choose a slower plan.
tiling_plan row_band_plan(const accel_config& c, tiling_plan p, unsigned rows) {
    const auto& L = c.layer;
    const unsigned count = (L.out_height() + rows - 1) / rows;
    p.bands.clear();
    p.kernel_groups = {{0, L.kernel_positions()}};
    p.row_bands = count;
    p.col_bands = 1;
    unsigned max_pixels = 0;
    for (unsigned i = 0, row = 0; i < count; ++i) {
        map_band b;
        b.out_row0 = row;
        b.out_rows = L.out_height() / count + (i < L.out_height() % count ? 1 : 0);
        b.out_cols = L.out_width();
        b.in_row0 = row * L.stride;
        b.in_rows = count == 1 ? L.padded_height : (b.out_rows - 1) * L.stride + L.kernel_h;
        b.in_cols = L.padded_width;
        row += b.out_rows;
        max_pixels = std::max(max_pixels, b.out_positions());
        p.bands.push_back(b);
    }
    p.partial_base = c.arch.pmem.words - (p.contributions() > 1 ? max_pixels : 0u);
    return p;
}

/// Row bands (and column bands) of an even split: heights, and widths, differ by one at most.
void check_even(const tiling_plan& p) {
    unsigned lo = ~0u, hi = 0;
    for (const auto& b : p.bands) {
        lo = std::min(lo, b.out_rows);
        hi = std::max(hi, b.out_rows);
    }
    BOOST_TEST(hi - lo <= 1u);
    lo = ~0u, hi = 0;
    for (const auto& b : p.bands) {
        lo = std::min(lo, b.out_cols);
        hi = std::max(hi, b.out_cols);
    }
    BOOST_TEST(hi - lo <= 1u);
}

template <typename F>
std::string error_text(F&& f) {
    try {
        f();
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(tiling)

BOOST_AUTO_TEST_CASE(six_by_six_set_runs_whole) {
    const auto c = layer_cfg(8, 8, 6);
    const auto p = plan_tiling(c);
    BOOST_TEST(p.pass_in_channels == 8u);
    BOOST_TEST(p.pass_out_channels == 8u);
    BOOST_TEST(p.in_tiles == 1u);
    BOOST_TEST(p.out_tiles == 1u);
    BOOST_TEST(p.chunk == 64u);
    BOOST_TEST_REQUIRE(p.bands.size() == 1u);
    BOOST_TEST(p.bands[0].out_row0 == 0u);
    BOOST_TEST(p.bands[0].out_rows == 4u);
    BOOST_TEST(!p.split_rows());
    BOOST_TEST(p.band_positions(p.bands[0], c.layer) == 36u);
    BOOST_TEST(p.band_out_positions(p.bands[0], c.layer) == 16u);
    BOOST_TEST(p.partial_base == 2048u);  // no partial region with one input tile
    // 36 positions fit one chunk.
    BOOST_TEST(p.describe(c.layer).find("1 row band (4 out rows)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(ten_by_ten_set_needs_chunks_only) {
    const auto c = layer_cfg(8, 8, 10);
    const auto p = plan_tiling(c);
    BOOST_TEST_REQUIRE(p.bands.size() == 1u);
    BOOST_TEST(p.bands[0].out_rows == 8u);
    BOOST_TEST(p.band_positions(p.bands[0], c.layer) == 100u);
    BOOST_TEST(p.band_positions(p.bands[0], c.layer) > p.chunk);  // 2 chunks per pass
    BOOST_TEST(p.describe(c.layer).find("(2 per pass)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(eighteen_by_eighteen_set_needs_chunks_and_bands) {
    const auto c = layer_cfg(8, 8, 18);
    const auto p = plan_tiling(c);
    // 9 x 324 + 1 > 2048: at most (2047 / 9) = 227 positions = 12 input rows = 10 output rows
    // per band, so 16 output rows go in 2 bands of 8 (as fast as 2 column bands of 8, or 2 kernel
    // groups of the whole map; the fastest plan, ties to fewer column bands).
    BOOST_TEST_REQUIRE(p.bands.size() == 2u);
    BOOST_TEST(p.bands[0].out_row0 == 0u);
    BOOST_TEST(p.bands[0].out_rows == 8u);
    BOOST_TEST(p.bands[1].out_row0 == 8u);
    BOOST_TEST(p.bands[1].out_rows == 8u);
    BOOST_TEST(p.bands[0].in_rows == 10u);
    BOOST_TEST(p.band_positions(p.bands[0], c.layer) == 180u);
    BOOST_TEST(p.split_rows());
    check_bands_fit(c, p);
    BOOST_TEST(p.describe(c.layer) ==
               "1 output tile x 1 input tile x 2 row bands (8,8 out rows), "
               "chunks of 64 positions (3 per pass); bands forced by pmem.words, chunks forced by ofifo.depth");
    BOOST_TEST(cycles_of(c, p) <= cycles_of(c, row_band_plan(c, p, 8)));
    BOOST_TEST(p.band_limit == "pmem.words");
    BOOST_TEST(p.chunk_limit == "ofifo.depth");
}

BOOST_AUTO_TEST_CASE(the_plan_names_the_resource_that_split_it) {
    auto c = layer_cfg(8, 8, 10);
    c.arch.l0_depth = 32;
    BOOST_TEST(plan_tiling(c).chunk_limit == "l0.depth");
    BOOST_TEST(plan_tiling(c).band_limit.empty());
    c.arch.xmem.weight_base = 60;  // 59 activation words: 5 input rows of 10
    const auto p = plan_tiling(c);
    BOOST_TEST(p.band_limit == "xmem.weight_base");
    BOOST_TEST(p.describe(c.layer).find("bands forced by xmem.weight_base, chunks forced by l0.depth") !=
               std::string::npos);
    c = layer_cfg(8, 8, 6);
    BOOST_TEST(plan_tiling(c).band_limit.empty());
    BOOST_TEST(plan_tiling(c).chunk_limit.empty());
}

BOOST_AUTO_TEST_CASE(overlapped_needs_only_the_pmem_it_touches) {
    // The overlapped drain adds every psum into its output pixel: a band needs its output
    // pixels, not the reference's k^2 x N + 1 psum words.
    auto c = layer_cfg(8, 8, 6);
    c.arch.schedule = schedule_kind::overlapped;
    c.arch.pmem.words = 16;  // the 16 output pixels of the 6x6 layer
    auto p = plan_tiling(c);
    BOOST_TEST(p.bands.size() == 1u);
    c.arch.pmem.words = 15;
    p = plan_tiling(c);
    BOOST_TEST(p.bands.size() == 2u);
    BOOST_TEST(p.band_limit == "pmem.words");
    c.arch.pmem.words = 3;  // not even one output row of 4 pixels: column bands
    p = plan_tiling(c);
    BOOST_TEST(p.split_cols());
    BOOST_TEST(p.kernel_groups.size() == 1u);  // the drain needs no psum slot per kernel position
    c.arch.schedule = schedule_kind::reference;
    c.arch.pmem.words = 64;  // the reference needs k^2 x N + 1 = 325 words for the whole map
    p = plan_tiling(c);
    BOOST_TEST(p.bands.size() * p.kernel_groups.size() > 1u);

    // 64 -> 64 channels on a 16x16 map with 1024 pmem words: 8 input tiles accumulate in the
    // 196-word partial region; the overlapped schedule needs no band region, so one band.
    c = layer_cfg(64, 64, 16);
    c.arch.pmem.words = 1024;
    BOOST_TEST(plan_tiling(c).bands.size() * plan_tiling(c).kernel_groups.size() > 1u);  // reference: g x N_b + 1 per band
    c.arch.schedule = schedule_kind::overlapped;
    BOOST_TEST(plan_tiling(c).bands.size() == 1u);
    BOOST_TEST(plan_tiling(c).partial_base == 1024u - 196u);
    // The overlapped chunk is bounded by the OFIFO alone (L0 streams, l0.depth >= rows).
    c.arch.l0_depth = 16;
    c.arch.ofifo_depth = 40;
    BOOST_TEST(plan_tiling(c).chunk == 40u);
}

BOOST_AUTO_TEST_CASE(channel_tiles_round_up) {
    auto c = layer_cfg(17, 9, 6);
    auto p = plan_tiling(c);
    BOOST_TEST(p.in_tiles == 3u);
    BOOST_TEST(p.out_tiles == 2u);
    BOOST_TEST(p.partial_base == 2048u - 16u);  // one word per output pixel at the top
    c.layer.act_bits = 2;
    p = plan_tiling(c);
    BOOST_TEST(p.pass_in_channels == 16u);
    BOOST_TEST(p.in_tiles == 2u);
    c.arch.rows = 16;
    c.arch.cols = 4;
    p = plan_tiling(c);
    BOOST_TEST(p.pass_in_channels == 32u);
    BOOST_TEST(p.in_tiles == 1u);
    BOOST_TEST(p.out_tiles == 3u);
}

BOOST_AUTO_TEST_CASE(chunk_is_the_shallower_fifo) {
    auto c = layer_cfg(8, 8, 6);
    c.arch.l0_depth = 32;
    c.arch.ofifo_depth = 20;
    BOOST_TEST(plan_tiling(c).chunk == 20u);
    c.arch.ofifo_depth = 100;
    BOOST_TEST(plan_tiling(c).chunk == 32u);
}

BOOST_AUTO_TEST_CASE(bands_are_even_and_never_slower_than_the_tallest_row_bands) {
    // 34x34 padded (32x32 output), 9 x 34 x rows: row bands of full width hold at most 2047/9 =
    // 227 positions = 6 input rows = 4 output rows -> 8 bands of 4. The plan chosen (the
    // fastest that fits) takes no more cycles.
    auto c = layer_cfg(3, 64, 34);
    auto p = plan_tiling(c);
    check_bands_fit(c, p);
    check_even(p);
    BOOST_TEST(cycles_of(c, p) <= cycles_of(c, row_band_plan(c, p, 4)));
    // 20x20 padded, 18 output rows: 227 positions = 11 input rows = 9 output rows -> 2 bands.
    c = layer_cfg(8, 8, 20);
    p = plan_tiling(c);
    check_bands_fit(c, p);
    check_even(p);
    BOOST_TEST(cycles_of(c, p) <= cycles_of(c, row_band_plan(c, p, 9)));
    // Activations alone limit the bands (kernel groups do not help): a 12x12 map's psums fit
    // (9 x 144 + 1 words), but at most 4 input rows of 12 fit below the weight base 50 -> bands
    // of at most 2 output rows (or narrower ones).
    c = layer_cfg(8, 8, 12);
    c.arch.xmem.weight_base = 50;
    p = plan_tiling(c);
    check_bands_fit(c, p);
    check_even(p);
    BOOST_TEST(p.band_limit == "xmem.weight_base");
    BOOST_TEST(p.kernel_groups.size() == 1u);
    BOOST_TEST(cycles_of(c, p) <= cycles_of(c, row_band_plan(c, p, 2)));
}

BOOST_AUTO_TEST_CASE(partial_region_shrinks_the_psum_space) {
    // 1 input tile: 9 x 14 x 16 + 1 = 2017 <= 2048 fits whole (16x14 map, 14x12 outputs).
    auto c = layer_cfg(8, 8, 16);
    c.layer.padded_width = 14;
    BOOST_TEST(plan_tiling(c).bands.size() == 1u);
    BOOST_TEST(plan_tiling(c).kernel_groups.size() == 1u);
    // 2 input tiles: a band's partial words (one per pixel) join its psums: 9 x 16 x 14 + 1 +
    // 168 > 2048, so a split: row bands of r rows need 9 x (r + 2) x 14 + 1 + 12 r words -> at
    // most 13 rows -> 2 bands of 7 rows, 84 partial words each; the plan chosen is no slower.
    c.layer.in_channels = 16;
    const auto p = plan_tiling(c);
    BOOST_TEST(p.bands.size() * p.kernel_groups.size() > 1u);
    check_bands_fit(c, p);  // the partial region: one word per pixel of the largest band
    BOOST_TEST(cycles_of(c, p) <= cycles_of(c, row_band_plan(c, p, 7)));
}

BOOST_AUTO_TEST_CASE(a_row_that_does_not_fit_runs_in_column_bands) {
    auto c = layer_cfg(8, 8, 6);
    c.layer.padded_width = 100;
    c.layer.padded_height = 5;
    // 3 x 100 = 300 positions: 9 x 300 + 1 = 2701 > 2048 pmem words, but one pixel's 9 x 9
    // psums fit: column bands, every kernel position in one group.
    const auto p = plan_tiling(c);
    BOOST_TEST(p.split_cols());
    BOOST_TEST(p.row_bands == 1u);
    BOOST_TEST(!p.split_kernel());
    check_bands_fit(c, p);
    BOOST_TEST(p.describe(c.layer).find("column bands") != std::string::npos, p.describe(c.layer));
    // Activations can force them too.
    c.arch.pmem.words = 1 << 16;
    c.arch.xmem.weight_base = 200;
    const auto q = plan_tiling(c);
    BOOST_TEST(q.split_cols());
    check_bands_fit(c, q);
}

BOOST_AUTO_TEST_CASE(a_pixel_that_does_not_fit_runs_in_kernel_groups) {
    // 2 input tiles, pmem of 16 words: one pixel's 9 x 9 psums do not fit, kernel positions go
    // in groups whose sums meet in one partial word per pixel: g x 9 + 1 + 1 <= 16 -> g = 1.
    auto c = layer_cfg(16, 8, 6);
    c.arch.pmem.words = 16;
    const auto p = plan_tiling(c);
    BOOST_TEST(p.split_kernel());
    BOOST_TEST(p.kernel_groups.size() == 9u);
    BOOST_TEST(p.contributions() == 18u);
    check_bands_fit(c, p);
    BOOST_TEST(p.describe(c.layer).find("9 kernel groups (9 x 1 kernel positions)") != std::string::npos,
               p.describe(c.layer));
}

BOOST_AUTO_TEST_CASE(rejects_memories_too_small_for_one_pass) {
    // One pass: one output pixel's window (9 positions) and one kernel position.
    auto c = layer_cfg(16, 8, 6);
    c.arch.pmem.words = 10;  // 9 psums + 1 stale word + 1 partial word
    const auto msg = error_text([&] { plan_tiling(c); });
    BOOST_TEST(msg.find("impossible geometry: pmem needs 11 words for one output pixel and one kernel position") == 0u,
               msg);
    c.arch.pmem.words = 2048;
    c.arch.xmem.weight_base = 9;  // 9 positions + 1
    c.arch.xmem.words = 64;
    const auto msg2 = error_text([&] { plan_tiling(c); });
    BOOST_TEST(msg2.find("impossible geometry: xmem needs 10 activation words") == 0u, msg2);
    BOOST_TEST(msg2.find("has 9") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(rejects_a_weight_region_too_small) {
    auto c = layer_cfg(8, 8, 6);
    c.arch.xmem.weight_base = 2040;  // 8 words left, 9 needed
    const auto msg = error_text([&] { plan_tiling(c); });
    BOOST_TEST(msg.find("impossible geometry: the xmem weight region needs 9 words") == 0u);
    BOOST_TEST(msg.find("has 8") != std::string::npos);
    c.arch.xmem.weight_base = 2035;  // 13 words left
    c.layer.act_bits = 2;  // 16 + 1 words
    const auto msg2 = error_text([&] { plan_tiling(c); });
    BOOST_TEST(msg2.find("needs 17 words") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(never_splits_a_layer_that_fits) {
    // Exhaustive over small maps: one band of every kernel position exactly when the whole map
    // fits.
    for (unsigned h = 3; h <= 40; h += 3)
        for (unsigned w = 3; w <= 40; w += 5) {
            auto c = layer_cfg(8, 8, h);
            c.layer.padded_width = w;
            const unsigned n = h * w;
            const bool whole = n + 1 <= 1024 && 9 * n + 1 <= 2048;
            const auto p = plan_tiling(c);
            BOOST_TEST((p.bands.size() == 1 && p.kernel_groups.size() == 1) == whole, "h=" << h << " w=" << w);
            check_bands_fit(c, p);
        }
}

BOOST_AUTO_TEST_SUITE_END()
