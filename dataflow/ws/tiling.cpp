#include "dataflow/ws/tiling.h"

#include "tlm/bits.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>

namespace satlm {

namespace {

/// Words one band of `out_rows` output rows needs: N_b = (out_rows + k - 1) x padded_width.
std::uint64_t band_words(unsigned out_rows, const layer_keys& L) {
    return std::uint64_t{out_rows + L.kernel - 1} * L.padded_width;
}

/// C' weight words per kij: C (4-bit) or 2C (2-bit mode).
std::uint64_t weight_words_of(const accel_config& cfg) {
    return std::uint64_t{cfg.layer.channels_per_lane()} * cfg.arch.cols;
}

}  // namespace

std::string tiling_plan::describe(const layer_keys& L) const {
    auto plural = [](std::uint64_t n, const char* what) {
        return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
    };
    std::string rows;
    for (const auto& b : bands) rows += (rows.empty() ? "" : ",") + std::to_string(b.out_rows);
    unsigned max_positions = 0;
    for (const auto& b : bands) max_positions = std::max(max_positions, band_positions(b, L));
    const auto chunks_per_pass = chunk ? ceil_div(max_positions, chunk) : 0;
    std::string why;
    if (!band_limit.empty()) why += "bands forced by " + band_limit;
    if (!chunk_limit.empty()) why += (why.empty() ? "" : ", ") + std::string("chunks forced by ") + chunk_limit;
    return fmt::format("{} x {} x {} ({} out rows), chunks of {} positions ({} per pass){}",
                       plural(out_tiles, "output tile"), plural(in_tiles, "input tile"),
                       plural(bands.size(), "row band"), rows, chunk,
                       chunks_per_pass, why.empty() ? "" : "; " + why);
}

band_needs needs_of_band(const accel_config& cfg, unsigned in_tiles, unsigned out_rows) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    const std::uint64_t n = band_words(out_rows, L);
    const std::uint64_t cw = std::uint64_t{L.channels_per_lane()} * A.cols;
    band_needs b;
    b.partial_words = in_tiles > 1 ? L.out_positions() : 0;
    if (A.schedule == schedule_kind::overlapped) {
        // Reads exactly the band's N_b activation words and C' weight words; the drain adds every
        // psum into its output pixel: the band's O_b sums, or the partial region itself when
        // several input tiles accumulate there.
        b.act_words = n;
        b.weight_words = cw;
        b.pmem_words = in_tiles > 1 ? 0 : std::uint64_t{out_rows} * L.out_width();
        b.pmem_what = in_tiles > 1 ? "the sums accumulate in the partial region"
                                   : fmt::format("{} output pixels", b.pmem_words);
        return b;
    }
    // Reference: the (N+1)-th activation read and the (C'+1)-th weight read touch one word more;
    // every psum(kij, nij) is stored, and the last drain's stale head lands at k^2 x N_b.
    b.act_words = n + 1;
    b.weight_words = cw + 1;
    b.pmem_words = L.kernel_positions() * n + 1;
    b.pmem_what = fmt::format("{} kernel positions x {} positions + 1", L.kernel_positions(), n);
    return b;
}

unsigned chunk_positions(const accel_config& cfg) {
    const arch_keys& A = cfg.arch;
    return A.schedule == schedule_kind::overlapped ? A.ofifo_depth : std::min(A.l0_depth, A.ofifo_depth);
}

tiling_plan plan_tiling(const accel_config& cfg) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    tiling_plan p;
    p.pass_in_channels = A.rows * L.channels_per_lane();
    p.pass_out_channels = A.cols;
    p.in_tiles = static_cast<unsigned>(ceil_div(L.in_channels, p.pass_in_channels));
    p.out_tiles = static_cast<unsigned>(ceil_div(L.out_channels, p.pass_out_channels));
    p.chunk = chunk_positions(cfg);
    if (A.l0_depth == 0 || A.ofifo_depth == 0)
        throw config_error(fmt::format("impossible geometry: l0.depth ({}) and ofifo.depth ({}) "
                                       "must both be at least 1", A.l0_depth, A.ofifo_depth));
    if (L.kernel == 0 || L.padded_height < L.kernel || L.padded_width < L.kernel)
        throw config_error(fmt::format("impossible geometry: a {0}x{0} kernel needs a padded map "
                                       "of at least {0}x{0}, got {1}x{2}", L.kernel,
                                       L.padded_height, L.padded_width));

    const band_needs one = needs_of_band(cfg, p.in_tiles, 1);
    const unsigned weight_base = A.xmem_weight_base();
    const std::uint64_t weight_have = weight_base < A.xmem.words ? A.xmem.words - weight_base : 0;
    if (one.weight_words > weight_have)
        throw config_error(fmt::format(
            "impossible geometry: the xmem weight region needs {} words ({} columns{}), has {} "
            "(xmem.words {} - weight base {})",
            one.weight_words, weight_words_of(cfg), one.weight_words > weight_words_of(cfg) ? " + 1" : "",
            weight_have, A.xmem.words, weight_base));

    // Partial outputs of earlier input tiles live at the top of pmem (one word per pixel).
    const std::uint64_t partial = one.partial_words;
    if (partial > A.pmem.words || (partial == A.pmem.words && one.pmem_words > 0))
        throw config_error(fmt::format(
            "impossible geometry: pmem needs {} words for the partial outputs of {} input tiles"
            "{}, has {} (pmem.words)",
            partial, p.in_tiles, one.pmem_words ? " plus the psums of a band" : "", A.pmem.words));
    p.partial_base = static_cast<unsigned>(A.pmem.words - partial);
    const std::uint64_t psum_have = A.pmem.words - partial;

    // The needs grow with the band height, so the largest band that fits is a binary search.
    auto act_fits = [&](unsigned rows) { return needs_of_band(cfg, p.in_tiles, rows).act_words <= weight_base; };
    auto pmem_fits = [&](unsigned rows) { return needs_of_band(cfg, p.in_tiles, rows).pmem_words <= psum_have; };
    auto fits = [&](unsigned rows) { return act_fits(rows) && pmem_fits(rows); };
    const unsigned out_rows = L.out_height();
    if (!fits(1)) {
        if (!act_fits(1))
            throw config_error(fmt::format(
                "impossible geometry: xmem needs {} activation words below the weight base for a "
                "band of one output row ({} input rows x {}{}), has {} (xmem weight base)",
                one.act_words, L.kernel, L.padded_width,
                one.act_words > band_words(1, L) ? " + 1" : "", weight_base));
        throw config_error(fmt::format(
            "impossible geometry: pmem needs {} psum words for a band of one output row ({}), has {} "
            "(pmem.words {}{})",
            one.pmem_words, one.pmem_what, psum_have, A.pmem.words,
            partial ? fmt::format(" - {} partial-output words", partial) : std::string()));
    }
    unsigned lo = 1, hi = out_rows;
    while (lo < hi) {
        const unsigned mid = lo + (hi - lo + 1) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid - 1;
    }
    if (lo < out_rows) p.band_limit = !pmem_fits(lo + 1) ? "pmem.words" : "xmem.weight_base";
    const unsigned n_bands = static_cast<unsigned>(ceil_div(out_rows, lo));
    // As even as possible: the first (out_rows % n_bands) bands get one row more.
    const unsigned base = out_rows / n_bands, extra = out_rows % n_bands;
    unsigned row = 0;
    unsigned max_positions = 0;
    for (unsigned b = 0; b < n_bands; ++b) {
        row_band band;
        band.out_row0 = row;
        band.out_rows = base + (b < extra ? 1 : 0);
        row += band.out_rows;
        p.bands.push_back(band);
        max_positions = std::max(max_positions, p.band_positions(band, L));
    }
    if (max_positions > p.chunk)
        p.chunk_limit = A.schedule == schedule_kind::reference && A.l0_depth < A.ofifo_depth ? "l0.depth" : "ofifo.depth";
    return p;
}

}  // namespace satlm
