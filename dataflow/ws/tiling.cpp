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
    return fmt::format("{} x {} x {} ({} out rows), chunks of {} positions ({} per pass)",
                       plural(out_tiles, "output tile"), plural(in_tiles, "input tile"),
                       plural(bands.size(), "row band"), rows, chunk,
                       chunks_per_pass);
}

tiling_plan plan_tiling(const accel_config& cfg) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    tiling_plan p;
    p.pass_in_channels = A.rows * L.channels_per_lane();
    p.pass_out_channels = A.cols;
    p.in_tiles = static_cast<unsigned>(ceil_div(L.in_channels, p.pass_in_channels));
    p.out_tiles = static_cast<unsigned>(ceil_div(L.out_channels, p.pass_out_channels));
    p.chunk = std::min(A.l0_depth, A.ofifo_depth);
    if (p.chunk == 0)
        throw config_error(fmt::format("impossible geometry: l0.depth ({}) and ofifo.depth ({}) "
                                       "must both be at least 1", A.l0_depth, A.ofifo_depth));
    if (L.kernel == 0 || L.padded_height < L.kernel || L.padded_width < L.kernel)
        throw config_error(fmt::format("impossible geometry: a {0}x{0} kernel needs a padded map "
                                       "of at least {0}x{0}, got {1}x{2}", L.kernel,
                                       L.padded_height, L.padded_width));

    // Weights: C' words plus the stale word the (C'+1)-th read leaves behind.
    const unsigned weight_base = A.xmem_weight_base();
    const std::uint64_t weight_need = std::uint64_t{L.channels_per_lane()} * A.cols + 1;
    const std::uint64_t weight_have = weight_base < A.xmem.words ? A.xmem.words - weight_base : 0;
    if (weight_need > weight_have)
        throw config_error(fmt::format(
            "impossible geometry: the xmem weight region needs {} words ({} columns + 1), has {} "
            "(xmem.words {} - weight base {})",
            weight_need, weight_need - 1, weight_have, A.xmem.words, weight_base));

    // Partial outputs of earlier input tiles live at the top of pmem (one word per pixel).
    const std::uint64_t partial = p.in_tiles > 1 ? L.out_positions() : 0;
    if (partial >= A.pmem.words)
        throw config_error(fmt::format(
            "impossible geometry: pmem needs {} words for the partial outputs of {} input tiles "
            "plus the psums of a band, has {} (pmem.words)",
            partial, p.in_tiles, A.pmem.words));
    p.partial_base = static_cast<unsigned>(A.pmem.words - partial);
    // The psums start at pmem.psum_base (words below it are left alone).
    p.psum_base = A.pmem.psum_base;
    const std::uint64_t psum_have = A.pmem.words - partial > p.psum_base ? A.pmem.words - partial - p.psum_base : 0;
    const std::uint64_t k2 = L.kernel_positions();

    // A band fits when its activations (N_b + 1 words) fit below the weight base and its psums
    // (k^2 x N_b + 1 words) fit below the partial region.
    auto fits = [&](unsigned out_rows) {
        const auto n = band_words(out_rows, L);
        return n + 1 <= weight_base && k2 * n + 1 <= psum_have;
    };
    const unsigned out_rows = L.out_height();
    if (!fits(1)) {
        const auto n = band_words(1, L);
        if (n + 1 > weight_base)
            throw config_error(fmt::format(
                "impossible geometry: xmem needs {} activation words below the weight base for a "
                "band of one output row ({} input rows x {} + 1), has {} (xmem weight base)",
                n + 1, L.kernel, L.padded_width, weight_base));
        throw config_error(fmt::format(
            "impossible geometry: pmem needs {} psum words for a band of one output row ({} "
            "kernel positions x {} positions + 1), has {} (pmem.words {}{})",
            k2 * n + 1, k2, n, psum_have, A.pmem.words,
            (partial ? fmt::format(" - {} partial-output words", partial) : std::string()) +
                (p.psum_base ? fmt::format(" - pmem.psum_base {}", p.psum_base) : std::string())));
    }
    // Largest band that fits (the constraints are monotonic in the band height).
    unsigned lo = 1, hi = out_rows;
    while (lo < hi) {
        const unsigned mid = lo + (hi - lo + 1) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid - 1;
    }
    const unsigned n_bands = static_cast<unsigned>(ceil_div(out_rows, lo));
    // As even as possible: the first (out_rows % n_bands) bands get one row more.
    const unsigned base = out_rows / n_bands, extra = out_rows % n_bands;
    unsigned row = 0;
    for (unsigned b = 0; b < n_bands; ++b) {
        row_band band;
        band.out_row0 = row;
        band.out_rows = base + (b < extra ? 1 : 0);
        row += band.out_rows;
        p.bands.push_back(band);
    }
    return p;
}

}  // namespace satlm
