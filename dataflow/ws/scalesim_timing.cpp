#include "dataflow/ws/scalesim_timing.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>
#include <vector>

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

/// (a1 a2) / (b1 b2) as Python divides two integers: exact operands, one rounding (below
/// 2^53; beyond, extended precision first).
double python_ratio(std::uint64_t a1, std::uint64_t a2, std::uint64_t b1, std::uint64_t b2) {
    constexpr std::uint64_t exact = std::uint64_t{1} << 53;
    std::uint64_t a = 0, b = 0;
    if (!__builtin_mul_overflow(a1, a2, &a) && !__builtin_mul_overflow(b1, b2, &b) && a < exact &&
        b < exact)
        return static_cast<double>(a) / static_cast<double>(b);
    return static_cast<double>(static_cast<long double>(a1) * static_cast<long double>(a2) /
                               (static_cast<long double>(b1) * static_cast<long double>(b2)));
}

/// Folds summed one by one for the mean percentages; more take the closed form.
constexpr std::uint64_t max_summed_folds = std::uint64_t{1} << 24;

/// The read buffer fetches an operand whose distinct words never fill the active half in one
/// burst that ends the cycle before compute starts (trace cycles -n .. -1).
std::optional<scalesim_access> prefetched_once(std::uint64_t distinct_words,
                                               std::uint64_t sram_kb) {
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

/// Where the OFMAP writes fall in time. Fold f (column fold f / row_folds) starts at line
/// f * L; its line j holds column c's output t = j - (2R - 1) - c for every used column c
/// with 0 <= t < T. Elements are numbered in demand order (line by line, column by column).
class ofmap_stream {
public:
    ofmap_stream(std::uint64_t R, std::uint64_t C, std::uint64_t T, std::uint64_t row_folds,
                 std::uint64_t col_folds, std::uint64_t filters, std::uint64_t L)
        : R_(R)
        , C_(C)
        , T_(T)
        , rf_(row_folds)
        , cf_(col_folds)
        , last_cols_(filters - (col_folds - 1) * C)
        , L_(L)
        , lines_(row_folds * col_folds * L) {}

    std::uint64_t lines() const { return lines_; }
    std::uint64_t elements() const { return before_line(lines_); }

    /// Elements in lines [0, line).
    std::uint64_t before_line(std::uint64_t line) const {
        if (line >= lines_) line = lines_;
        const std::uint64_t f = line / L_, j = line % L_;
        const std::uint64_t fc = f / rf_, fr = f % rf_;
        if (fc >= cf_) return T_ * (cf_ - 1) * C_ * rf_ + T_ * last_cols_ * rf_;
        const std::uint64_t cu = used_cols(fc);
        return fc * rf_ * T_ * C_ + fr * T_ * cu + in_fold_before(j, cu);
    }

    /// Line of element k (0-based): the last line whose predecessors hold at most k elements.
    std::uint64_t line_of(std::uint64_t k) const {
        std::uint64_t lo = 0, hi = lines_ - 1;
        while (lo < hi) {
            const std::uint64_t mid = lo + (hi - lo + 1) / 2;
            if (before_line(mid) <= k)
                lo = mid;
            else
                hi = mid - 1;
        }
        return lo;
    }

    /// Whether `line` lies where its fold writes the same number of words on every line
    /// (the skew has filled and not begun to drain); if so the stretch's first and one past
    /// its last write, and the words per line.
    bool steady_stretch(std::uint64_t line, std::uint64_t& first, std::uint64_t& end,
                        std::uint64_t& per_line) const {
        if (line >= lines_) return false;
        const std::uint64_t f = line / L_, j = line % L_;
        per_line = used_cols(f / rf_);
        if (T_ < per_line) return false;
        const std::uint64_t j0 = 2 * R_ + per_line - 2, j1 = 2 * R_ + T_ - 1;  // lines [j0, j1)
        if (j < j0 || j >= j1) return false;
        first = before_line(f * L_ + j0);
        end = before_line(f * L_ + j1);
        return true;
    }

    /// The run of row folds of `line`'s column fold: its first and one past its last write,
    /// the fold length in lines and the writes per fold.
    void fold_run(std::uint64_t line, std::uint64_t& first, std::uint64_t& end,
                  std::uint64_t& period, std::uint64_t& per_fold) const {
        const std::uint64_t fc = std::min(line / (L_ * rf_), cf_ - 1);
        first = before_line(fc * rf_ * L_);
        end = before_line((fc + 1) * rf_ * L_);
        period = L_;
        per_fold = T_ * used_cols(fc);
    }

private:
    std::uint64_t used_cols(std::uint64_t fc) const { return fc + 1 == cf_ ? last_cols_ : C_; }

    /// Elements in lines [0, j) of one fold with cu used columns: column c has
    /// clamp(u - c, 0, T) of them, u = j - (2R - 1).
    std::uint64_t in_fold_before(std::uint64_t j, std::uint64_t cu) const {
        if (j < 2 * R_ - 1) return 0;
        const std::uint64_t u = j - (2 * R_ - 1);
        const std::uint64_t full = u >= T_ ? std::min(cu, u - T_ + 1) : 0;  // columns done
        const std::uint64_t lo = full, hi = std::min(cu - 1, u);            // columns under way
        std::uint64_t partial = 0;
        if (lo <= hi) partial = (hi - lo + 1) * u - (lo + hi) * (hi - lo + 1) / 2;
        return full * T_ + partial;
    }

    std::uint64_t R_, C_, T_, rf_, cf_, last_cols_, L_, lines_;
};

/// SCALE-Sim's OFMAP write buffer (write_buffer.py) replayed one drain at a time: writes fill
/// C-word lines; once the free space drops below the active half and no drain is running, the
/// buffer flushes its open line (a short line) and drains up to ceil(half / C) lines, one per
/// cycle, counting every drained line as full except for the empty slots of the last one.
/// After the last write the rest drains in back-to-back bursts.
///
/// Inside a fold every line carries the same number of writes once the skew has filled, so
/// the buffer soon repeats its state from one drain to a later one; the replay then jumps over
/// as many whole repetitions as fit before the fold's skew drains (`skip_repeats`), which keeps
/// the cost per fold to a few drains however long the fold is.
constexpr std::uint64_t max_replayed_drains = std::uint64_t{1} << 20;

class write_buffer_replayer {
public:
    write_buffer_replayer(const ofmap_stream& s, std::uint64_t C, std::uint64_t sram_kb,
                          bool skip_repeats)
        : s_(s)
        , C_(C)
        , size_(sram_words(sram_kb))
        , active_(ceil_div(size_, 2))
        , lines_per_drain_(ceil_div(size_ - active_, C))
        , skip_(skip_repeats)
        , free_(static_cast<std::int64_t>(size_)) {}

    std::optional<scalesim_access> run() {
        const std::uint64_t total = s_.elements();
        while (k_ < total) {
            if (++steps_ > max_replayed_drains) return std::nullopt;
            // Writes issued while a drain runs.
            const std::int64_t window_lines = drain_end_;
            const std::uint64_t window_end =
                window_lines > 0 ? s_.before_line(static_cast<std::uint64_t>(window_lines)) : 0;
            if (k_ < window_end) {
                // SCALE-Sim stalls a write that finds the buffer full; that cannot happen in
                // CALC mode (docs/blocks/scalesim_timing.md): a drain frees at least what
                // the array writes while it runs.
                SATLM_ASSERT("satlm/scalesim", free_ > static_cast<std::int64_t>(window_end - k_),
                             "OFMAP write buffer full during a drain");
                write(window_end - k_);
                if (k_ >= total) break;
            }
            // The write that pushes the free space below the active half starts the next drain.
            const std::uint64_t kt = k_ + static_cast<std::uint64_t>(std::max<std::int64_t>(
                                              free_ - static_cast<std::int64_t>(active_), 0));
            if (kt >= total) {
                write(total - k_);
                break;
            }
            write(kt - k_ + 1);
            flush();
            const std::uint64_t line = s_.line_of(kt);
            drain_end_ = drain(static_cast<std::int64_t>(line));
            if (skip_) skip_repeats(kt, line);
        }
        flush();
        std::int64_t at = static_cast<std::int64_t>(s_.lines()) - 1;  // the last line's cycle
        while (drained_ < lines_) at = drain(at) + 1;
        return dram_;
    }

private:
    void write(std::uint64_t n) {
        k_ += n;
        open_ += n;
        free_ -= static_cast<std::int64_t>(n);
    }
    void flush() {
        lines_ += open_ / C_;
        if (open_ % C_ != 0) short_lines_[lines_++] = C_ - open_ % C_;
        open_ = 0;
    }
    std::int64_t drain(std::int64_t at) {
        const std::uint64_t n = std::min(lines_per_drain_, lines_ - drained_);
        const auto last = short_lines_.find(drained_ + n - 1);
        const std::uint64_t words = n * C_ - (last == short_lines_.end() ? 0 : last->second);
        short_lines_.erase(short_lines_.begin(), short_lines_.lower_bound(drained_ + n));
        drained_ += n;
        free_ += static_cast<std::int64_t>(words);
        if (drains_++ == 0) dram_.start_cycle = at;
        dram_.stop_cycle = at + static_cast<std::int64_t>(n) - 1;
        dram_.count += words;
        return dram_.stop_cycle;
    }

    struct snapshot {
        std::uint64_t k, line, drained, lines, drains, count;
    };

    /// The buffer states seen at the drains of one stretch of the write stream that repeats
    /// with a period (named by its first write).
    struct stretch {
        std::uint64_t first = ~std::uint64_t{0};
        std::map<std::vector<std::int64_t>, snapshot> seen;
    };

    /// Called after the drain started by write kt (on `line`): when the buffer is in a state
    /// it was in at an earlier drain of the same stretch, jump whole repetitions ahead. Two
    /// stretches: the steady part of a fold (every line alike), and a column fold's run of
    /// row folds (every fold alike: the OFMAP writes do not depend on the rows a fold uses).
    void skip_repeats(std::uint64_t kt, std::uint64_t line) {
        std::uint64_t first = 0, end = 0, per_line = 0;
        const std::uint64_t in_line = kt - s_.before_line(line);
        if (s_.steady_stretch(line, first, end, per_line)) {
            try_skip(in_fold_, first, end, 1, per_line, kt, line, {});
            return;
        }
        std::uint64_t period_lines = 0, per_fold = 0;
        s_.fold_run(line, first, end, period_lines, per_fold);
        try_skip(
            fold_run_, first, end, period_lines, per_fold, kt, line,
            {static_cast<std::int64_t>(line % period_lines), static_cast<std::int64_t>(in_line)});
    }

    /// `period`: the lines a repetition spans a multiple of (1: every line alike), with
    /// `per_period` writes each; `state`: what else must match (place in the fold).
    bool try_skip(stretch& st, std::uint64_t first, std::uint64_t end, std::uint64_t period,
                  std::uint64_t per_period, std::uint64_t kt, std::uint64_t line,
                  std::vector<std::int64_t> state) {
        if (first != st.first) {
            st.seen.clear();
            st.first = first;
        }
        // The state: place in the line (or fold), free space, drain time left, the queue and
        // its short lines; the rest are counts that grow by the same amount every repetition.
        state.insert(state.end(), {static_cast<std::int64_t>(kt - s_.before_line(line)), free_,
                                   drain_end_ - static_cast<std::int64_t>(line),
                                   static_cast<std::int64_t>(lines_ - drained_)});
        for (auto it = short_lines_.lower_bound(drained_); it != short_lines_.end(); ++it) {
            state.push_back(static_cast<std::int64_t>(it->first - drained_));
            state.push_back(static_cast<std::int64_t>(it->second));
        }
        const snapshot now{kt, line, drained_, lines_, drains_, dram_.count};
        const auto [it, fresh] = st.seen.emplace(std::move(state), now);
        if (fresh) return false;
        const snapshot before = it->second;
        it->second = now;
        const std::uint64_t dk = now.k - before.k, dline = now.line - before.line;
        if (dk == 0 || dline % period != 0 || dk != dline / period * per_period) return false;
        // Every write of a skipped repetition, up to the drain after the last one, stays in
        // the stretch: kt + (p + 1) dk < end.
        if (kt + 2 * dk >= end) return false;
        const std::uint64_t p = (end - 1 - kt) / dk - 1;
        k_ += p * dk;
        const std::uint64_t dlines = p * (now.lines - before.lines);
        std::map<std::uint64_t, std::uint64_t> moved;
        for (const auto& [l, pad] : short_lines_) moved.emplace(l + dlines, pad);
        short_lines_ = std::move(moved);
        lines_ += dlines;
        drained_ += p * (now.drained - before.drained);
        drains_ += p * (now.drains - before.drains);
        dram_.count += p * (now.count - before.count);
        const std::int64_t dcycles = static_cast<std::int64_t>(p * dline);
        drain_end_ += dcycles;
        dram_.stop_cycle += dcycles;
        st.seen.clear();
        in_fold_.seen.clear();  // its entries belong to lines now behind
        return true;
    }

    const ofmap_stream& s_;
    const std::uint64_t C_, size_, active_, lines_per_drain_;
    const bool skip_;
    std::int64_t free_;
    std::int64_t drain_end_ = 0;
    std::uint64_t k_ = 0;                                 // next write
    std::uint64_t open_ = 0;                              // writes since the last flush
    std::uint64_t lines_ = 0;                             // lines flushed to the drain queue
    std::uint64_t drained_ = 0;                           // lines drained
    std::map<std::uint64_t, std::uint64_t> short_lines_;  // flushed line -> empty slots
    std::uint64_t drains_ = 0;
    std::uint64_t steps_ = 0;  // drains replayed one by one
    scalesim_access dram_{0, 0, 0};
    stretch in_fold_, fold_run_;
};

std::optional<scalesim_access> replay_write_buffer(const ofmap_stream& s, std::uint64_t C,
                                                   std::uint64_t sram_kb,
                                                   bool skip_repeats = true) {
    return write_buffer_replayer(s, C, sram_kb, skip_repeats).run();
}

/// The filter read buffer when the weights do not fit its active half. No weight is read
/// twice, so every one is fetched once; the first burst ends the cycle before the first
/// weight read, and each later burst is traced up to the cycle whose read completed the
/// 50-set block before it: the last one is the read of word 50 n k_max (n words a set).
/// The IFMAP read buffer when the touched IFMAP does not fit its active half, replayed
/// address by address in SCALE-Sim's demand order (fold by fold, cycle by cycle, array row by
/// array row). SCALE-Sim hits an address only in the sets of the current block of 50 (the
/// older blocks are dropped when a block completes), so an address is fetched again exactly
/// when its last fetch lies in an earlier block: one block number per IFMAP word suffices.
/// Empty past max_replayed_reads SRAM reads.
constexpr std::uint64_t max_replayed_reads = std::uint64_t{1} << 26;

std::optional<scalesim_access> ifmap_prefetch_rotating(const scalesim_layer& l,
                                                       const scalesim_array& a,
                                                       const scalesim_layer_result& r) {
    const std::uint64_t R = a.rows, T = r.ofmap_pixels, Sr = r.window, L = r.cycles_per_fold;
    const std::uint64_t words = l.ifmap_h * l.ifmap_w * l.channels;
    if (r.ifmap_sram.count > max_replayed_reads || words > max_replayed_reads) return std::nullopt;
    const std::uint64_t block = active_sets * (sram_words(a.ifmap_sram_kb) / read_buffer_sets);
    constexpr std::uint32_t never = ~std::uint32_t{0};
    std::vector<std::uint32_t> fetched_in_block(words, never);
    std::uint64_t fetches = 0, last_block_line = 0;
    struct element {
        std::uint64_t row, col, channel;
    };
    std::vector<element> elems(R);
    for (std::uint64_t fc = 0; fc < r.col_folds; ++fc) {
        for (std::uint64_t fr = 0; fr < r.row_folds; ++fr) {
            const std::uint64_t base = (fc * r.row_folds + fr) * L;
            const std::uint64_t used = std::min(R, Sr - fr * R);
            for (std::uint64_t c = 0; c < used; ++c) {
                const std::uint64_t e = fr * R + c;
                elems[c] = {e / (l.filter_w * l.channels), (e / l.channels) % l.filter_w,
                            e % l.channels};
            }
            // Line R + t + c of the fold reads output position t's window element c.
            for (std::uint64_t j = R; j < R + T + used - 1; ++j) {
                const std::uint64_t c_lo = j - R + 1 > T ? j - R + 1 - T : 0;
                const std::uint64_t c_hi = std::min(used - 1, j - R);
                for (std::uint64_t c = c_lo; c <= c_hi; ++c) {
                    const std::uint64_t t = j - R - c;
                    const std::uint64_t row = t / r.ofmap_w * l.stride + elems[c].row;
                    const std::uint64_t col = t % r.ofmap_w * l.stride + elems[c].col;
                    if (row >= l.ifmap_h || col >= l.ifmap_w) continue;  // SCALE-Sim's null address
                    const std::uint64_t addr =
                        (row * l.ifmap_w + col) * l.channels + elems[c].channel;
                    const auto current = static_cast<std::uint32_t>(fetches / block);
                    if (fetched_in_block[addr] == current) continue;  // a hit
                    fetched_in_block[addr] = current;
                    if (++fetches % block == 0) last_block_line = base + j;
                }
            }
        }
    }
    if (fetches < block) return std::nullopt;  // never rotated: prefetched_once covers it
    scalesim_access acc;
    acc.count = fetches;
    acc.start_cycle = static_cast<std::int64_t>(R) -
                      static_cast<std::int64_t>(ceil_div(block, dram_words_per_cycle));
    acc.stop_cycle = static_cast<std::int64_t>(last_block_line) + 1;
    return acc;
}

scalesim_access filter_prefetch_rotating(const scalesim_layer& l, const scalesim_array& a,
                                         const scalesim_layer_result& r) {
    const std::uint64_t R = a.rows, C = a.cols, Sr = r.window, L = r.cycles_per_fold;
    const std::uint64_t set_words = sram_words(a.filter_sram_kb) / read_buffer_sets;
    const std::uint64_t block = active_sets * set_words;
    const std::uint64_t first_read_line = R - std::min(R, Sr);
    scalesim_access acc;
    acc.count = Sr * l.filters;
    acc.start_cycle = static_cast<std::int64_t>(first_read_line) -
                      static_cast<std::int64_t>(ceil_div(block, dram_words_per_cycle));
    // Weight m (0-based, demand order): column fold, then row fold, then line, then column.
    const std::uint64_t m = acc.count / block * block - 1;
    const std::uint64_t fc = std::min(m / (Sr * C), r.col_folds - 1);
    const std::uint64_t cu = fc + 1 == r.col_folds ? l.filters - fc * C : C;
    const std::uint64_t in_block = m - fc * Sr * C;
    const std::uint64_t fr = std::min(in_block / (R * cu), r.row_folds - 1);
    const std::uint64_t ru = fr + 1 == r.row_folds ? Sr - fr * R : R;
    const std::uint64_t idx = in_block - fr * R * cu;
    const std::uint64_t line = (fc * r.row_folds + fr) * L + (R - ru) + idx / cu;
    acc.stop_cycle = static_cast<std::int64_t>(line) + 1;
    return acc;
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
    // Every count below is a product of these; keep them all inside 64 bits.
    constexpr std::uint64_t limit = std::uint64_t{1} << 62;
    constexpr std::uint64_t max_kb = limit / 1024;
    const bool sizes_fit = l.ifmap_h < limit && l.ifmap_w < limit && l.stride < limit &&
                           a.rows <= (1u << 20) && a.cols <= (1u << 20) &&
                           a.ifmap_sram_kb < max_kb && a.filter_sram_kb < max_kb &&
                           a.ofmap_sram_kb < max_kb;
    std::uint64_t positions = 0, area = 0, window = 0, macs = 0;
    const bool fits =
        sizes_fit &&
        !__builtin_mul_overflow(scalesim_ofmap_size(l.ifmap_h, l.filter_h, l.stride),
                                scalesim_ofmap_size(l.ifmap_w, l.filter_w, l.stride), &positions) &&
        !__builtin_mul_overflow(l.filter_h, l.filter_w, &area) &&
        !__builtin_mul_overflow(area, l.channels, &window) &&
        !__builtin_mul_overflow(positions, window, &macs) &&
        !__builtin_mul_overflow(macs, l.filters, &macs) && macs <= limit &&
        positions + 2 * (a.rows + a.cols) < limit;
    need(fits, "the layer is too large (more than 2^62 multiply-accumulates or positions)");
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

std::string scalesim_number(double value) {
    std::string text = fmt::format("{}", value);  // shortest round trip, Python's exponent rule
    if (text.find_first_not_of("-0123456789") == std::string::npos) text += ".0";
    return text;
}

std::uint64_t scalesim_ofmap_size(std::uint64_t size, std::uint64_t filter, std::uint64_t stride) {
    return ceil_div(size - filter + stride, stride);
}

scalesim_layer_result scalesim_ws_timing(const scalesim_layer& l, const scalesim_array& a,
                                         scalesim_dram dram) {
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

    // The percentages as SCALE-Sim's Python forms them, rounding for rounding, so that they
    // print the same: the overall utilization as one integer division; the mapping
    // efficiency and compute utilization as means of per-fold quotients summed in fold order.
    r.overall_util_pct = python_ratio(r.macs, 100, r.total_cycles, R * C);
    if (folds <= max_summed_folds) {
        double mapping_sum = 0, util_sum = 0;
        for (std::uint64_t fc = 0; fc < r.col_folds; ++fc) {
            const std::uint64_t cu = std::min(C, Sc - fc * C);
            for (std::uint64_t fr = 0; fr < r.row_folds; ++fr) {
                const std::uint64_t used = std::min(R, Sr - fr * R) * cu;
                mapping_sum += python_ratio(used, 1, R * C, 1);
                // SCALE-Sim divides by the fold's filter-demand span, L + C - 1.
                util_sum += python_ratio(used, T, R * C, L + C - 1);
            }
        }
        r.mapping_efficiency_pct = mapping_sum / static_cast<double>(folds) * 100.0;
        r.compute_util_pct = util_sum / static_cast<double>(folds) * 100.0;
    } else {  // the same means in closed form (the sums of used rows and columns)
        const double mapping = python_ratio(Sr, Sc, R * C, folds);
        r.mapping_efficiency_pct = mapping * 100.0;
        r.compute_util_pct = mapping * python_ratio(T, 1, L + C - 1, 1) * 100.0;
    }

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
    r.ofmap_sram.stop_cycle =
        static_cast<std::int64_t>(last_fold + 2 * R - 1 + T - 1 + last_cols - 1);

    // OFMAP DRAM: the write buffer replayed drain by drain.
    // When all the writes fit the drain half, it drains once, after the last write.
    const std::uint64_t ofmap_words = sram_words(a.ofmap_sram_kb);
    if (r.ofmap_sram.count <= ofmap_words - ceil_div(ofmap_words, 2)) {
        const std::uint64_t lines = ceil_div(r.ofmap_sram.count, C);
        r.ofmap_dram = scalesim_access{static_cast<std::int64_t>(r.total_cycles),
                                       static_cast<std::int64_t>(r.total_cycles + lines - 1),
                                       r.ofmap_sram.count};
    } else if (dram == scalesim_dram::replay && T < (std::uint64_t{1} << 40)) {
        r.ofmap_dram = replay_write_buffer(ofmap_stream(R, C, T, r.row_folds, r.col_folds, Sc, L),
                                           C, a.ofmap_sram_kb);
    }

    // IFMAP and FILTER DRAM.
    const std::uint64_t rows_touched = covered_extent(l.ifmap_h, l.filter_h, l.stride, r.ofmap_h);
    const std::uint64_t cols_touched = covered_extent(l.ifmap_w, l.filter_w, l.stride, r.ofmap_w);
    r.ifmap_dram = prefetched_once(rows_touched * cols_touched * l.channels, a.ifmap_sram_kb);
    if (!r.ifmap_dram && dram == scalesim_dram::replay)
        r.ifmap_dram = ifmap_prefetch_rotating(l, a, r);
    r.filter_dram_reads = Sr * Sc;
    r.filter_dram = prefetched_once(Sr * Sc, a.filter_sram_kb);
    if (!r.filter_dram) r.filter_dram = filter_prefetch_rotating(l, a, r);
    return r;
}

namespace detail {
std::optional<scalesim_access> scalesim_ofmap_dram_one_by_one(const scalesim_layer& l,
                                                              const scalesim_array& a) {
    const auto r = scalesim_ws_timing(l, a, scalesim_dram::skip);
    return replay_write_buffer(ofmap_stream(a.rows, a.cols, r.ofmap_pixels, r.row_folds,
                                            r.col_folds, l.filters, r.cycles_per_fold),
                               a.cols, a.ofmap_sram_kb, false);
}
}  // namespace detail

}  // namespace satlm
