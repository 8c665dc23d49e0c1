#include "dataflow/ws/scalesim_timing.h"

#include "tlm/report.h"

#include <algorithm>

namespace satlm {
namespace {

std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

// SCALE-Sim's read buffers in CALC mode (read_buffer_estimate_bw.py): the SRAM is cut into
// 100 sets of floor(words / 100) addresses, half of them active; the backing store moves 10
// words per cycle; word size is one byte.
constexpr std::uint64_t read_buffer_sets = 100;
constexpr std::uint64_t active_sets = 50;
constexpr std::uint64_t dram_words_per_cycle = 10;

std::uint64_t sram_words(std::uint64_t kb) { return kb * 1024; }

/// The read buffer fetches an operand whose distinct words never fill the active half in one
/// burst that ends the cycle before compute starts (trace cycles -n .. -1).
std::optional<scalesim_access> prefetched_once(std::uint64_t distinct_words, std::uint64_t sram_kb) {
    const std::uint64_t set_words = sram_words(sram_kb) / read_buffer_sets;
    if (distinct_words >= active_sets * set_words) return std::nullopt;
    const std::uint64_t sets = ceil_div(distinct_words, set_words);
    const std::uint64_t cycles = ceil_div(sets * set_words, dram_words_per_cycle);
    return scalesim_access{-static_cast<std::int64_t>(cycles), -1, distinct_words};
}

/// Input rows (or columns) that at least one window touches. Windows overlap or abut when
/// the stride is at most the filter, so they cover the whole map (SCALE-Sim's rounded-up
/// output count makes the last window reach the edge); wider strides leave gaps, and the
/// last, rounded-up window may be clipped by the edge or lie wholly outside.
std::uint64_t covered_extent(std::uint64_t size, std::uint64_t filter, std::uint64_t stride,
                             std::uint64_t outputs) {
    if (stride <= filter) return size;
    const std::uint64_t whole_windows = (size - filter) / stride + 1;
    std::uint64_t covered = whole_windows * filter;
    if (outputs > whole_windows && size > whole_windows * stride)
        covered += size - whole_windows * stride;
    return covered;
}

/// Last output position (row-major) whose window element (er, ec) lies inside the map;
/// positions past it read SCALE-Sim's null address (-1) for that element.
std::uint64_t last_valid_position(const scalesim_layer& l, std::uint64_t oh, std::uint64_t ow,
                                  std::uint64_t er, std::uint64_t ec) {
    const std::uint64_t orow = std::min(oh - 1, (l.ifmap_h - 1 - er) / l.stride);
    const std::uint64_t ocol = std::min(ow - 1, (l.ifmap_w - 1 - ec) / l.stride);
    return orow * ow + ocol;
}

void check_shape(const scalesim_layer& l, const scalesim_array& a) {
    auto need = [](bool ok, const char* what) {
        if (!ok) throw config_error(std::string("scalesim timing: ") + what);
    };
    need(l.ifmap_h > 0 && l.ifmap_w > 0, "the IFMAP must be at least 1x1");
    need(l.filter_h > 0 && l.filter_w > 0, "the filter must be at least 1x1");
    need(l.filter_h <= l.ifmap_h && l.filter_w <= l.ifmap_w,
         "the filter cannot be larger than the (padded) IFMAP");
    need(l.channels > 0 && l.filters > 0, "channels and filters must be at least 1");
    need(l.stride > 0, "the stride must be at least 1");
    need(a.rows > 0 && a.cols > 0, "the array must have at least one row and one column");
    need(a.ifmap_sram_kb > 0 && a.filter_sram_kb > 0 && a.ofmap_sram_kb > 0,
         "every SRAM must hold at least 1 kB");
}

}  // namespace

double scalesim_access::span_bandwidth() const {
    return static_cast<double>(count) / static_cast<double>(stop_cycle - start_cycle + 1);
}

double scalesim_layer_result::ifmap_sram_bw() const {
    return static_cast<double>(ifmap_sram.count) / static_cast<double>(total_cycles);
}
double scalesim_layer_result::filter_sram_bw() const {
    return static_cast<double>(filter_sram.count) / static_cast<double>(total_cycles);
}
double scalesim_layer_result::ofmap_sram_bw() const {
    return static_cast<double>(ofmap_sram.count) / static_cast<double>(total_cycles);
}

std::uint64_t scalesim_ofmap_size(std::uint64_t size, std::uint64_t filter, std::uint64_t stride) {
    return ceil_div(size - filter + stride, stride);
}

scalesim_layer_result scalesim_ws_timing(const scalesim_layer& l, const scalesim_array& a) {
    check_shape(l, a);
    scalesim_layer_result r;
    const std::uint64_t R = a.rows, C = a.cols;

    r.ofmap_h = scalesim_ofmap_size(l.ifmap_h, l.filter_h, l.stride);
    r.ofmap_w = scalesim_ofmap_size(l.ifmap_w, l.filter_w, l.stride);
    const std::uint64_t T = r.ofmap_pixels = r.ofmap_h * r.ofmap_w;
    const std::uint64_t Sr = r.window = l.filter_h * l.filter_w * l.channels;
    const std::uint64_t Sc = l.filters;
    r.row_folds = ceil_div(Sr, R);
    r.col_folds = ceil_div(Sc, C);
    const std::uint64_t folds = r.row_folds * r.col_folds;
    r.macs = T * Sr * Sc;

    // Every fold is R cycles of weight load, T rows of the IFMAP operand, and the skew of the
    // array (R - 1 on the way in, C - 1 on the way out); folds run back to back, and SCALE-Sim
    // reports the cycle of the last OFMAP write, counted from 0.
    const std::uint64_t L = r.cycles_per_fold = 2 * R + C + T - 2;
    const std::uint64_t last_fold = (folds - 1) * L;
    r.total_cycles = folds * L - 1;
    r.stall_cycles = 0;

    const double array_pes = static_cast<double>(R * C);
    r.overall_util_pct = static_cast<double>(r.macs) * 100.0 /
                         (static_cast<double>(r.total_cycles) * array_pes);
    // Mean over folds of used PEs / PEs: the used rows of all row folds sum to the window,
    // the used columns of all column folds to the filters.
    const double mapping = static_cast<double>(Sr * Sc) / (array_pes * static_cast<double>(folds));
    r.mapping_efficiency_pct = mapping * 100.0;
    // SCALE-Sim divides each fold's MACs by the fold's filter-demand span, L + C - 1.
    r.compute_util_pct = mapping * static_cast<double>(T) / static_cast<double>(L + C - 1) * 100.0;

    // IFMAP SRAM: each fold reads its T x (used rows) slice; addresses outside the map (the
    // rounded-up windows) still count as reads. Reads hit with latency 1.
    r.ifmap_sram.count = T * Sr * r.col_folds;
    r.ifmap_sram.start_cycle = static_cast<std::int64_t>(R + 1);
    {
        const std::uint64_t first_elem = (r.row_folds - 1) * R;
        std::uint64_t last_line = 0;
        for (std::uint64_t e = first_elem; e < Sr; ++e) {
            const std::uint64_t er = e / (l.filter_w * l.channels);
            const std::uint64_t ec = (e / l.channels) % l.filter_w;
            const std::uint64_t t = last_valid_position(l, r.ofmap_h, r.ofmap_w, er, ec);
            last_line = std::max(last_line, R + t + (e - first_elem));
        }
        r.ifmap_sram.stop_cycle = static_cast<std::int64_t>(last_fold + last_line + 1);
    }

    // FILTER SRAM: each weight once; a fold loads its used rows bottom-up into the last of its
    // first R cycles.
    r.filter_sram.count = Sr * Sc;
    r.filter_sram.start_cycle = static_cast<std::int64_t>(R - std::min(R, Sr) + 1);
    r.filter_sram.stop_cycle = static_cast<std::int64_t>(last_fold + R);

    // OFMAP SRAM: every row fold writes its T x (used columns) partial outputs, the first
    // 2R - 1 cycles into the fold, column c skewed by c cycles.
    const std::uint64_t last_cols = Sc - (r.col_folds - 1) * C;
    r.ofmap_sram.count = T * Sc * r.row_folds;
    r.ofmap_sram.start_cycle = static_cast<std::int64_t>(2 * R - 1);
    r.ofmap_sram.stop_cycle = static_cast<std::int64_t>(last_fold + 2 * R - 1 + T - 1 + last_cols - 1);

    // DRAM.
    const std::uint64_t rows_touched = covered_extent(l.ifmap_h, l.filter_h, l.stride, r.ofmap_h);
    const std::uint64_t cols_touched = covered_extent(l.ifmap_w, l.filter_w, l.stride, r.ofmap_w);
    r.ifmap_dram = prefetched_once(rows_touched * cols_touched * l.channels, a.ifmap_sram_kb);
    r.filter_dram_reads = Sr * Sc;
    r.filter_dram = prefetched_once(Sr * Sc, a.filter_sram_kb);

    // The OFMAP write buffer drains half its size at a time, C words per cycle. When all the
    // writes fit that half it drains once, after the last write, without stalls.
    const std::uint64_t ofmap_words = sram_words(a.ofmap_sram_kb);
    const std::uint64_t drain_half = ofmap_words - ceil_div(ofmap_words, 2);
    if (r.ofmap_sram.count <= drain_half) {
        const std::uint64_t lines = ceil_div(r.ofmap_sram.count, C);
        r.ofmap_dram = scalesim_access{static_cast<std::int64_t>(r.total_cycles),
                                       static_cast<std::int64_t>(r.total_cycles + lines - 1),
                                       r.ofmap_sram.count};
    }
    return r;
}

}  // namespace satlm
