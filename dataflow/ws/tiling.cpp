#include "dataflow/ws/tiling.h"

#include "dataflow/ws/lt_core.h"
#include "dataflow/ws/schedule.h"
#include "tlm/bits.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace satlm {

namespace {

std::string plural(std::uint64_t n, const char* what) {
    return fmt::format("{} {}{}", n, what, n == 1 ? "" : "s");
}

/// Padded input rows (or columns) a band of n output rows reads: (n - 1) x stride + filter,
/// or the whole padded dimension when the band spans all `out` output rows.
std::uint64_t in_extent(unsigned n, unsigned out, unsigned filter, unsigned padded, unsigned stride) {
    if (n == out) return padded;
    return std::uint64_t{n - 1} * stride + filter;
}

/// Splits `total` into `parts` as evenly as possible, the larger parts first.
std::vector<unsigned> even_split(unsigned total, unsigned parts) {
    std::vector<unsigned> v(parts, total / parts);
    for (unsigned i = 0; i < total % parts; ++i) ++v[i];
    return v;
}

/// The memory side of one candidate: a band of r x c output pixels with kernel groups of g.
struct fit_model {
    const layer_keys& L;
    std::uint64_t act_have;    // activation words below the weight base
    std::uint64_t pmem_words;
    unsigned in_tiles;
    bool overlapped = false;   // the overlapped schedule's own needs (docs/tiling.md, "Memory needs")

    std::uint64_t in_rows(unsigned r) const {
        return in_extent(r, L.out_height(), L.kernel_h, L.padded_height, L.stride);
    }
    std::uint64_t in_cols(unsigned c) const {
        return in_extent(c, L.out_width(), L.kernel_w, L.padded_width, L.stride);
    }
    std::uint64_t positions(unsigned r, unsigned c) const { return in_rows(r) * in_cols(c); }
    unsigned groups(unsigned g) const { return static_cast<unsigned>(ceil_div(L.kernel_positions(), g)); }
    /// Partial-output words: one per band pixel when a pixel gets more than one contribution.
    std::uint64_t partial(unsigned r, unsigned c, unsigned g) const {
        return std::uint64_t{in_tiles} * groups(g) > 1 ? std::uint64_t{r} * c : 0;
    }
    /// The band's activations (N_b + 1 words, the last prefetch reads one past) fit below the
    /// weight base, and g psum slots of N_b words (+1 for the stale word the last OFIFO read
    /// writes) fit below the partial region.
    bool fits(unsigned r, unsigned c, unsigned g) const { return act_fits(r, c) && pmem_fits(r, c, g); }
    /// The overlapped schedule reads exactly the band's N_b activation words.
    bool act_fits(unsigned r, unsigned c) const { return positions(r, c) + (overlapped ? 0 : 1) <= act_have; }
    /// The overlapped drain adds every psum into its output pixel: the band's r x c sums (in the
    /// partial region when a pixel gets more than one contribution, else from word 0).
    bool pmem_fits(unsigned r, unsigned c, unsigned g) const {
        if (overlapped) return std::uint64_t{r} * c <= pmem_words;
        return std::uint64_t{g} * positions(r, c) + 1 + partial(r, c, g) <= pmem_words;
    }
};

/// A candidate plan: the even split of the map into bands of at most `rows` x `cols` output
/// pixels, and of the kernel positions into groups of at most `group`.
struct shape_choice {
    unsigned rows = 0, cols = 0, group = 0;
};

/// The distinct largest parts ceil(n / parts) of the even splits of n, largest first (one per
/// part count that changes it: O(sqrt(n)) of them).
std::vector<unsigned> split_sizes(unsigned n) {
    std::vector<unsigned> v;
    for (unsigned parts = 1; parts <= n;) {
        const unsigned size = static_cast<unsigned>(ceil_div(n, parts));
        v.push_back(size);
        if (size == 1) break;
        parts = static_cast<unsigned>(ceil_div(n, size - 1));  // the first count with a smaller part
    }
    return v;
}

/// The plan of one candidate: kernel groups, bands and the partial region.
tiling_plan plan_of(const tiling_plan& base, const accel_config& cfg, const fit_model& m, const shape_choice& c) {
    const layer_keys& L = cfg.layer;
    tiling_plan p = base;
    const unsigned k2 = L.kernel_positions();
    for (unsigned first = 0, n = m.groups(c.group), i = 0; i < n; ++i) {
        const unsigned count = static_cast<unsigned>(ceil_div(k2 - first, n - i));  // even, larger first
        p.kernel_groups.push_back({first, count});
        first += count;
    }
    const auto rows = even_split(L.out_height(), static_cast<unsigned>(ceil_div(L.out_height(), c.rows)));
    const auto cols = even_split(L.out_width(), static_cast<unsigned>(ceil_div(L.out_width(), c.cols)));
    p.row_bands = static_cast<unsigned>(rows.size());
    p.col_bands = static_cast<unsigned>(cols.size());
    unsigned max_pixels = 0;
    for (unsigned r = 0, orow = 0; r < rows.size(); orow += rows[r++])
        for (unsigned q = 0, ocol = 0; q < cols.size(); ocol += cols[q++]) {
            map_band b;
            b.out_row0 = orow;
            b.out_rows = rows[r];
            b.out_col0 = ocol;
            b.out_cols = cols[q];
            b.in_row0 = orow * L.stride;
            b.in_rows = static_cast<unsigned>(m.in_rows(rows[r]));
            b.in_col0 = ocol * L.stride;
            b.in_cols = static_cast<unsigned>(m.in_cols(cols[q]));
            max_pixels = std::max(max_pixels, b.out_positions());
            p.bands.push_back(b);
        }
    // Partial outputs of earlier contributions live at the top of pmem (one word per pixel).
    p.partial_base = cfg.arch.pmem.words - (p.contributions() > 1 ? max_pixels : 0);
    return p;
}

/// Bands of one shape: N positions, O output pixels, and how many bands have it.
struct band_kind {
    std::uint64_t positions, pixels, count;
};

/// least_cycles (tiling.h) of a plan given by its band shapes and kernel groups.
std::uint64_t least_cycles_of(const accel_config& cfg, const std::vector<band_kind>& bands,
                              const std::vector<kernel_group>& groups, unsigned chunk, unsigned out_tiles,
                              unsigned in_tiles) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    const std::uint64_t weights = weight_words(cfg), k2 = L.kernel_positions(), xl = A.xmem.read_latency;
    const std::uint64_t contributions = std::uint64_t{in_tiles} * groups.size();
    std::uint64_t per_tile = 0, partial = 0;  // per (output tile, input tile); per output tile
    for (const auto& b : bands) {
        const std::uint64_t n = b.positions, pixels = b.pixels;
        std::uint64_t cycles = 0;
        if (A.schedule == schedule_kind::overlapped) {
            cycles = n + k2 * (n + 2 * weights);  // activation writes, passes
            partial += b.count * pixels;          // the read-out, after the last input tile
        } else {
            const std::uint64_t chunks = ceil_div(n, std::uint64_t{chunk});
            cycles = n + k2 * (3 * n + 3 * weights + 28 + xl + chunks * (xl + A.rows + A.cols + 4));
            for (const auto& g : groups)  // the SFU: one iteration per pixel and the check iteration
                cycles += (pixels + 1) * (3 + g.count + A.pmem.read_latency + A.sfu_latency);
            // Per pixel, every contribution but the first reads its partial word, and every one
            // but the last writes it back.
            partial += b.count * 2 * pixels * (contributions - 1);
        }
        per_tile += b.count * cycles;
    }
    return std::uint64_t{out_tiles} * (in_tiles * per_tile + partial);
}

/// The even split of n into `parts`: the larger part size and how many parts have it, the
/// smaller (size - 1) the rest.
struct split_shape {
    unsigned size, larger, parts;
};
split_shape even_shape(unsigned n, unsigned parts) {
    const unsigned size = static_cast<unsigned>(ceil_div(n, parts));
    return {size, n % parts ? n % parts : parts, parts};
}

/// The plan with the fewest cycles among every candidate that fits: band heights and widths of
/// the even splits, kernel group sizes of the even splits of the kernel positions. Each
/// candidate is timed exactly (the schedule's total, replayed per band shape and group kind),
/// so the choice is monotone in the resources: a smaller SRAM only removes candidates, and a
/// longer latency, lower bandwidth or shallower FIFO never lowers any candidate's cycles (the
/// schedules are monotone for a fixed plan), so neither can lower the least total. Candidates
/// are timed in order of a lower bound of their total (least_cycles) until that bound exceeds
/// the best total found. Ties go to the fewest bands, then the fewest kernel groups, then the
/// fewest column bands.
bool plan_fastest(const tiling_plan& base, const accel_config& cfg, const fit_model& m, tiling_plan& best) {
    const layer_keys& L = cfg.layer;
    // The scalesim kind runs the reference schedule's data flow (and is timed apart).
    accel_config timed = cfg;
    if (timed.arch.schedule == schedule_kind::scalesim) timed.arch.schedule = schedule_kind::reference;
    struct candidate {
        std::uint64_t bound;
        shape_choice shape;
        std::uint64_t bands;
        unsigned groups, col_bands;
    };
    const unsigned oh = L.out_height(), ow = L.out_width(), k2 = L.kernel_positions();
    std::vector<candidate> fits;
    const auto heights = split_sizes(oh), widths = split_sizes(ow);
    for (unsigned g : split_sizes(k2)) {
        if (!m.fits(1, 1, g)) continue;
        std::vector<kernel_group> groups;
        for (unsigned first = 0, n = m.groups(g), i = 0; i < n; ++i) {
            const unsigned count = static_cast<unsigned>(ceil_div(k2 - first, n - i));
            groups.push_back({first, count});
            first += count;
        }
        for (unsigned r : heights) {
            if (!m.fits(r, 1, g)) continue;
            const split_shape rs = even_shape(oh, static_cast<unsigned>(ceil_div(oh, r)));
            for (unsigned c : widths) {
                if (!m.fits(r, c, g)) continue;
                const split_shape cs = even_shape(ow, static_cast<unsigned>(ceil_div(ow, c)));
                // The (up to) four band shapes: larger or smaller rows x larger or smaller columns.
                std::vector<band_kind> kinds;
                for (int i = 0; i < 2; ++i)
                    for (int j = 0; j < 2; ++j) {
                        const std::uint64_t nr = i ? rs.parts - rs.larger : rs.larger;
                        const std::uint64_t nc = j ? cs.parts - cs.larger : cs.larger;
                        if (!nr || !nc) continue;
                        const unsigned h = rs.size - i, w = cs.size - j;
                        kinds.push_back({m.in_rows(h) * m.in_cols(w), std::uint64_t{h} * w, nr * nc});
                    }
                fits.push_back({least_cycles_of(timed, kinds, groups, base.chunk, base.out_tiles, base.in_tiles),
                                {r, c, g}, std::uint64_t{rs.parts} * cs.parts, m.groups(g), cs.parts});
            }
        }
    }
    if (fits.empty()) return false;
    auto fewer_parts = [](const candidate& a, const candidate& b) {
        if (a.bands != b.bands) return a.bands < b.bands;
        if (a.groups != b.groups) return a.groups < b.groups;
        return a.col_bands < b.col_bands;
    };
    std::sort(fits.begin(), fits.end(), [&](const candidate& a, const candidate& b) {
        return a.bound != b.bound ? a.bound < b.bound : fewer_parts(a, b);
    });
    std::uint64_t best_cycles = 0;
    const candidate* chosen = nullptr;
    for (const auto& c : fits) {
        if (chosen && c.bound > best_cycles) break;  // this and every later one take longer
        tiling_plan p = plan_of(base, cfg, m, c.shape);
        const std::uint64_t cycles = lt_program(timed, p).total_buckets().total();
        if (!chosen || cycles < best_cycles || (cycles == best_cycles && fewer_parts(c, *chosen))) {
            best = std::move(p);
            best_cycles = cycles;
            chosen = &c;
        }
    }
    return true;
}

[[noreturn]] void impossible(const fit_model& m, unsigned psum_base) {
    const std::uint64_t n = m.positions(1, 1);
    if (!m.act_fits(1, 1))
        throw config_error(fmt::format(
            "impossible geometry: xmem needs {} activation words below the weight base for a band "
            "of one output pixel ({} x {} input positions + 1), has {} (xmem weight base)",
            n + 1, m.in_rows(1), m.in_cols(1), m.act_have));
    const std::uint64_t partial = m.partial(1, 1, 1);
    const std::string above = psum_base ? fmt::format(" above pmem.psum_base {}", psum_base) : std::string();
    if (m.overlapped)
        throw config_error(fmt::format("impossible geometry: pmem needs 1 word for one output pixel, has {} "
                                       "(pmem.words{})", m.pmem_words, above));
    throw config_error(fmt::format(
        "impossible geometry: pmem needs {} words for one output pixel and one kernel position ({} "
        "positions + 1{}), has {} (pmem.words{})",
        n + 1 + partial, n, partial ? " + 1 partial-output word" : "", m.pmem_words, above));
}

}  // namespace

std::string tiling_plan::describe(const layer_keys&) const {
    // "9,9,8" for a few sizes; "60 x 2, 1 x 1" (runs of equal sizes) for many.
    auto sizes = [](const std::vector<unsigned>& v) {
        std::string s;
        if (v.size() <= 8) {
            for (unsigned x : v) s += (s.empty() ? "" : ",") + std::to_string(x);
            return s;
        }
        for (std::size_t i = 0; i < v.size();) {
            std::size_t j = i;
            while (j < v.size() && v[j] == v[i]) ++j;
            s += fmt::format("{}{} x {}", s.empty() ? "" : ", ", j - i, v[i]);
            i = j;
        }
        return s;
    };
    std::vector<unsigned> rows, cols, groups;
    for (unsigned b = 0; b < bands.size(); b += std::max(1u, col_bands)) rows.push_back(bands[b].out_rows);
    for (unsigned b = 0; b < col_bands && b < bands.size(); ++b) cols.push_back(bands[b].out_cols);
    for (const auto& g : kernel_groups) groups.push_back(g.count);
    unsigned max_positions = 0;
    for (const auto& b : bands) max_positions = std::max(max_positions, b.positions());
    const auto chunks_per_pass = chunk ? ceil_div(max_positions, chunk) : 0;
    std::string text = fmt::format("{} x {} x {} ({} out rows)", plural(out_tiles, "output tile"),
                                   plural(in_tiles, "input tile"), plural(row_bands, "row band"), sizes(rows));
    if (split_cols()) text += fmt::format(" x {} ({} out columns)", plural(col_bands, "column band"), sizes(cols));
    if (split_kernel())
        text += fmt::format(" x {} ({} kernel positions)", plural(kernel_groups.size(), "kernel group"),
                            sizes(groups));
    std::string why;
    if (!band_limit.empty()) why += "bands forced by " + band_limit;
    if (!chunk_limit.empty()) why += (why.empty() ? "" : ", ") + std::string("chunks forced by ") + chunk_limit;
    return text + fmt::format(", chunks of {} positions ({} per pass){}", chunk, chunks_per_pass,
                              why.empty() ? "" : "; " + why);
}

std::uint64_t least_cycles(const accel_config& cfg, const tiling_plan& p) {
    std::vector<band_kind> bands;
    for (const auto& b : p.bands) bands.push_back({b.positions(), b.out_positions(), 1});
    return least_cycles_of(cfg, bands, p.kernel_groups, p.chunk, p.out_tiles, p.in_tiles);
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
    if (L.kernel_h == 0 || L.kernel_w == 0 || L.stride == 0 || L.padded_height < L.kernel_h ||
        L.padded_width < L.kernel_w)
        throw config_error(fmt::format("impossible geometry: a {}x{} filter with stride {} needs a "
                                       "padded map of at least {}x{}, got {}x{}", L.kernel_h, L.kernel_w,
                                       L.stride, L.kernel_h, L.kernel_w, L.padded_height, L.padded_width));

    // Weights: C' words plus the stale word the (C'+1)-th read leaves behind.
    const unsigned weight_base = A.xmem_weight_base();
    const std::uint64_t weight_need = std::uint64_t{L.channels_per_lane()} * A.cols + 1;
    const std::uint64_t weight_have = weight_base < A.xmem.words ? A.xmem.words - weight_base : 0;
    if (weight_need > weight_have)
        throw config_error(fmt::format(
            "impossible geometry: the xmem weight region needs {} words ({} columns + 1), has {} "
            "(xmem.words {} - weight base {})",
            weight_need, weight_need - 1, weight_have, A.xmem.words, weight_base));

    // Full-width row bands of every kernel position when one output row fits (a map that fits
    // is never split); otherwise bands in rows and columns, and kernel groups when even one
    // output pixel's psums of every kernel position do not fit. A band spanning a whole
    // dimension reads its tail too (the rows past the last output's window).
    // The psums start at pmem.psum_base: the words below it are left alone.
    p.psum_base = A.pmem.psum_base;
    fit_model m{L, weight_base, A.pmem.words > p.psum_base ? A.pmem.words - p.psum_base : 0, p.in_tiles};
    m.overlapped = A.schedule == schedule_kind::overlapped;
    tiling_plan best;
    // A band spanning a dimension always reads the whole padded dimension: a plan without that
    // tail only for memories too small for it would run faster with less memory.
    if (!plan_fastest(p, cfg, m, best)) impossible(m, p.psum_base);
    p = std::move(best);
    // Which resource split the map: the whole map's pmem need, else its activations; none when
    // the whole map fits and a split is simply faster.
    const unsigned k2 = L.kernel_positions();
    if ((p.bands.size() > 1 || p.kernel_groups.size() > 1) && !m.fits(L.out_height(), L.out_width(), k2))
        p.band_limit = !m.pmem_fits(L.out_height(), L.out_width(), k2) ? "pmem.words" : "xmem.weight_base";
    unsigned max_positions = 0;
    for (const auto& b : p.bands) max_positions = std::max(max_positions, b.positions());
    if (max_positions > p.chunk)
        p.chunk_limit = A.schedule != schedule_kind::overlapped && A.l0_depth < A.ofifo_depth ? "l0.depth" : "ofifo.depth";
    return p;
}

}  // namespace satlm
