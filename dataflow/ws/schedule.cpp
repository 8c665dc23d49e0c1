#include "dataflow/ws/schedule.h"

#include "tlm/bits.h"
#include "tlm/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace satlm {

const char* to_string(step_kind k) {
    switch (k) {
    case step_kind::reset: return "reset";
    case step_kind::idle: return "idle";
    case step_kind::write_act: return "write_act";
    case step_kind::write_weight: return "write_weight";
    case step_kind::weight_prefetch: return "weight_prefetch";
    case step_kind::weight_to_l0: return "weight_to_l0";
    case step_kind::load: return "load";
    case step_kind::act_prefetch: return "act_prefetch";
    case step_kind::act_to_l0: return "act_to_l0";
    case step_kind::execute: return "execute";
    case step_kind::drain: return "drain";
    case step_kind::ofifo_prefetch: return "ofifo_prefetch";
    case step_kind::ofifo_to_pmem: return "ofifo_to_pmem";
    case step_kind::accumulate_pixel: return "accumulate_pixel";
    case step_kind::tail: return "tail";
    case step_kind::stream: return "stream";
    case step_kind::drain_tail: return "drain_tail";
    case step_kind::readout: return "readout";
    }
    return "?";
}

std::uint64_t xmem_write_cycles(const accel_config& cfg) {
    const unsigned bytes = (cfg.arch.xmem_width() + 7) / 8;
    const unsigned bpc = std::max(1u, cfg.arch.offchip_bytes_per_cycle);
    return std::max<std::uint64_t>(1, ceil_div(bytes, bpc));
}

std::uint64_t offchip_words_per_burst(const accel_config& cfg) {
    const std::uint64_t burst = cfg.arch.offchip_burst_bytes;
    if (burst == 0) return UINT64_MAX;
    const std::uint64_t bytes = (cfg.arch.xmem_width() + 7) / 8;
    return std::max<std::uint64_t>(1, burst / bytes);
}

std::uint64_t offchip_bursts(const accel_config& cfg, std::uint64_t words) {
    if (words == 0) return 0;
    const std::uint64_t per = offchip_words_per_burst(cfg);
    return per == UINT64_MAX ? 1 : ceil_div(words, per);
}

std::uint64_t offchip_write_cycles(const accel_config& cfg, std::uint64_t words) {
    return words * xmem_write_cycles(cfg) + offchip_bursts(cfg, words) * cfg.arch.offchip_latency;
}

std::int64_t offchip_word_at(const accel_config& cfg, std::uint64_t words, std::uint64_t k) {
    const std::uint64_t per = std::min(offchip_words_per_burst(cfg), std::max<std::uint64_t>(words, 1));
    const std::uint64_t wc = xmem_write_cycles(cfg), lat = cfg.arch.offchip_latency;
    const std::uint64_t burst_cycles = lat + per * wc;  // a full burst
    const std::uint64_t b = k / burst_cycles, in = k % burst_cycles;
    if (in < lat) return -1;
    const std::uint64_t w = b * per + (in - lat) / wc;
    if ((in - lat) % wc != wc - 1 || w >= words) return -1;
    return static_cast<std::int64_t>(w);
}

unsigned weight_words(const accel_config& cfg) { return cfg.arch.cols * cfg.layer.channels_per_lane(); }

layer_keys band_shape(const layer_keys& L, const map_band& b) {
    layer_keys s = L;
    s.padded_height = b.in_rows;
    s.padded_width = b.in_cols;
    return s;
}

std::uint64_t reference_pixel_cycles(const accel_config& cfg, const tiling_plan& plan, unsigned itile,
                                     unsigned group) {
    const std::uint64_t reads = plan.kernel_groups.at(group).count + (plan.first_contribution(itile, group) ? 0 : 1);
    const std::uint64_t write_back = plan.last_contribution(itile, group) ? 0 : 1;
    return 1 + 2 + reads + cfg.arch.pmem.read_latency + cfg.arch.sfu_latency + write_back;
}

std::uint64_t reference_weight_hold(const accel_config& cfg, unsigned first_chunk) {
    // Edge conventions of the occupancy meter below: the load step starts at cycle T, so row
    // R-1 pops weight j at edge T + 1 + R + j (j < C'); the first chunk's act_to_l0 starts
    // at T + C' + G + xl (G = the idle gap) and pushes word k (1-based) at that + k. After
    // that push row R-1 holds k + clamp(R - G - xl - k, 0, C') words, whose peak over
    // k = 1..n is max(n, min(n + C', R - G - xl)). n <= l0.depth, so the first chunk fits
    // when n + C' <= l0.depth or R - G - xl <= l0.depth; the least G doing it is returned
    // as the cycles beyond the fixed 12 (0 on every configuration that fitted before).
    const std::uint64_t R = cfg.arch.rows, D = cfg.arch.l0_depth, xl = cfg.arch.xmem.read_latency;
    if (std::uint64_t{first_chunk} + weight_words(cfg) <= D) return 0;
    const std::uint64_t need = R > xl + D ? R - xl - D : 0;
    return need > ref_weight_gap ? need - ref_weight_gap : 0;
}

std::uint64_t overlapped_readout_cycles(const accel_config& cfg, unsigned pixels) {
    return pixels ? std::uint64_t{pixels} + cfg.arch.pmem.read_latency + 1 + cfg.arch.sfu_latency : 0;
}

namespace {

/// Index of the step whose cycles hold cycle `t`, searching forward from `i` (steps are in time
/// order and cover every cycle of the run).
std::size_t step_at(const std::vector<schedule_step>& steps, std::size_t i, std::uint64_t t) {
    while (i + 1 < steps.size() && steps[i].start + steps[i].cycles <= t) ++i;
    return i;
}

/// Occupancy of one FIFO from runs of push and pop edges. It follows the FIFO that fills first:
/// L0 row R-1 (all rows push together, row R-1 pops last) or OFIFO column 0 (all columns pop
/// together, column 0 pushes first). At most one push and one pop per edge, so occupancy never
/// falls during a push run: its peaks are at the last edge of each run (split at step borders).
/// Only effective pops are recorded (the schedules never pop an empty FIFO at these places).
class fifo_meter {
public:
    explicit fifo_meter(const char* what) : m_what(what) {}
    void push(std::uint64_t edge, std::uint64_t n) { add(m_push, edge, n); }
    void pop(std::uint64_t edge, std::uint64_t n) { add(m_pop, edge, n); }

    /// Stores into steps[i].*field the highest occupancy after a push edge acting on step i.
    void apply(std::vector<schedule_step>& steps, std::uint64_t schedule_step::*field) {
        auto by_edge = [](const run& a, const run& b) { return a.edge < b.edge; };
        std::sort(m_push.begin(), m_push.end(), by_edge);
        std::sort(m_pop.begin(), m_pop.end(), by_edge);
        std::uint64_t pushed = 0, popped = 0;  // pushes before the current run; pops of runs passed
        std::size_t k = 0, si = 0;
        for (const run& r : m_push) {
            const std::uint64_t last = r.edge + r.n - 1;
            for (std::uint64_t e = r.edge; e <= last;) {
                si = step_at(steps, si, e - 1);
                const std::uint64_t end = std::min(last, steps[si].start + steps[si].cycles);
                if (end < e)
                    throw std::logic_error(fmt::format("schedule: {} push at edge {} after the last step", m_what, e));
                while (k < m_pop.size() && m_pop[k].edge + m_pop[k].n - 1 <= end) popped += m_pop[k++].n;
                const std::uint64_t partial = k < m_pop.size() && m_pop[k].edge <= end ? end - m_pop[k].edge + 1 : 0;
                const std::uint64_t in = pushed + (end - r.edge + 1);
                if (popped + partial > in)
                    throw std::logic_error(fmt::format("schedule: {} pops more words than were pushed by edge {}",
                                                       m_what, end));
                steps[si].*field = std::max(steps[si].*field, in - popped - partial);
                e = end + 1;
            }
            pushed += r.n;
        }
        std::uint64_t all_popped = 0;
        for (const run& r : m_pop) all_popped += r.n;
        if (all_popped != pushed)
            throw std::logic_error(fmt::format("schedule: {} pushes {} words and pops {}", m_what, pushed,
                                               all_popped));
    }

private:
    struct run {
        std::uint64_t edge, n;
    };
    static void add(std::vector<run>& v, std::uint64_t edge, std::uint64_t n) {
        if (n == 0) return;
        if (!v.empty() && v.back().edge + v.back().n == edge) v.back().n += n;
        else v.push_back({edge, n});
    }
    const char* m_what;
    std::vector<run> m_push, m_pop;
};

/// The FIFO events and the overlapped pmem access cycles a schedule builder records while it
/// plans; apply() turns them into the steps' peak fields.
struct peak_meters {
    fifo_meter l0{"L0 row"}, ofifo{"OFIFO column"};
    std::vector<std::uint64_t> pmem_cycles;  // overlapped drain: cycles of pmem instructions

    void apply(std::vector<schedule_step>& steps) {
        l0.apply(steps, &schedule_step::l0_peak);
        ofifo.apply(steps, &schedule_step::ofifo_peak);
        std::sort(pmem_cycles.begin(), pmem_cycles.end());
        std::size_t si = 0;
        for (std::size_t i = 0; i < pmem_cycles.size();) {  // accesses per cycle (a second port or bank: 2)
            std::size_t e = i;
            while (e < pmem_cycles.size() && pmem_cycles[e] == pmem_cycles[i]) ++e;
            si = step_at(steps, si, pmem_cycles[i]);
            steps[si].pmem_peak = std::max<std::uint64_t>(steps[si].pmem_peak, e - i);
            i = e;
        }
    }
};

/// Edge offsets of the datapath (edge t + 1 acts on the instruction of cycle t): L0 row r pops
/// r + 1 edges after the edge that samples l0_rd, so row R-1 pops at t + 1 + R; PE(0,0) executes
/// at t + 2 (on row 0's pop) and column 0 pushes R edges later, at t + 1 + R + ofifo_push_lag; an
/// OFIFO read issued at cycle t pops at edge t + 2 (registered read). (The overlapped planner's
/// room rule assumes the push one edge earlier: conservative by one cycle, kept for the counts.)
constexpr std::uint64_t ofifo_push_lag = 1;

/// Appends steps with a running cycle cursor.
class step_writer {
public:
    explicit step_writer(std::vector<schedule_step>& out) : m_out(out) {}

    unsigned otile = 0, itile = 0, band = 0, group = 0, kij = 0, chunk = 0;

    schedule_step& add(step_kind kind, std::uint64_t cycles, std::uint64_t cycle_buckets::*bucket) {
        schedule_step s;
        s.kind = kind;
        s.start = m_now;
        s.cycles = cycles;
        if (bucket) s.buckets.*bucket = cycles;
        s.otile = otile;
        s.itile = itile;
        s.band = band;
        s.group = group;
        s.kij = kij;
        s.chunk = chunk;
        m_now += cycles;
        m_out.push_back(s);
        return m_out.back();
    }
    std::uint64_t now() const { return m_now; }
    /// Moves the cursor on by `cycles` the caller added to the last step.
    void skip(std::uint64_t cycles) { m_now += cycles; }

private:
    std::vector<schedule_step>& m_out;
    std::uint64_t m_now = 0;
};

/// Off-chip writes of `words` xmem words: one cycle each plus the bandwidth and latency stalls.
schedule_step& add_writes(const accel_config& cfg, step_writer& w, step_kind kind, unsigned words,
                          std::uint64_t cycle_buckets::*bucket) {
    auto& s = w.add(kind, offchip_write_cycles(cfg, words), nullptr);
    s.buckets.*bucket = words;
    s.buckets.add_stall(&stall_causes::offchip_bandwidth, std::uint64_t{words} * (xmem_write_cycles(cfg) - 1));
    s.buckets.add_stall(&stall_causes::offchip_latency, offchip_bursts(cfg, words) * cfg.arch.offchip_latency);
    s.count = words;
    s.xmem_writes = words;
    return s;
}

/// The loop nest every schedule runs: output tiles, then bands, then input tiles, then kernel
/// groups (a band's contributions in a row, so its partial sums need one word per band pixel);
/// `w` is pointed at each group before `f(itile, band, group)`.
template <typename F>
void for_each_group(const tiling_plan& plan, step_writer& w, F&& f) {
    for (unsigned ot = 0; ot < plan.out_tiles; ++ot)
        for (unsigned b = 0; b < plan.bands.size(); ++b)
            for (unsigned it = 0; it < plan.in_tiles; ++it)
                for (unsigned g = 0; g < plan.kernel_groups.size(); ++g) {
                    w.otile = ot;
                    w.itile = it;
                    w.band = b;
                    w.group = g;
                    w.kij = 0;
                    w.chunk = 0;
                    f(it, b, g);
                }
}

void build_reference(const accel_config& cfg, const tiling_plan& plan, step_writer& w) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    const unsigned cw = weight_words(cfg);
    const unsigned xl = A.xmem.read_latency;
    using B = cycle_buckets;

    for_each_group(plan, w, [&](unsigned it, unsigned b, unsigned g) {
        const unsigned nb = plan.band_positions(plan.bands[b], L);
        const unsigned ob = plan.band_out_positions(plan.bands[b], L);
        const kernel_group& kg = plan.kernel_groups[g];
        // Bands (and kernel groups) after the first repeat the prologue's reset and idle, the idle
        // after the last kij and the tb's check iteration: refill.
        const auto band_setup = [b, g](std::uint64_t B::*normal) { return b || g ? &B::refill : normal; };
        w.add(step_kind::reset, ref_reset_cycles, band_setup(&B::idle));
        w.add(step_kind::idle, ref_reset_idle, band_setup(&B::idle));
        // The band's activations stay in xmem for the input tile's later kernel groups.
        if (g == 0) add_writes(cfg, w, step_kind::write_act, nb, &B::load_data);
        for (unsigned q = kg.first; q < kg.first + kg.count; ++q) {
            w.kij = q;
            w.chunk = 0;
            w.add(step_kind::reset, ref_reset_cycles, &B::idle);
            w.add(step_kind::idle, ref_reset_idle, &B::idle);
            add_writes(cfg, w, step_kind::write_weight, cw, &B::load_weights);
            w.add(step_kind::idle, 1, &B::idle);
            w.add(step_kind::weight_prefetch, xl, &B::load_weights).xmem_reads = xl;
            auto& wl = w.add(step_kind::weight_to_l0, cw, &B::load_weights);
            wl.count = cw;
            wl.xmem_reads = cw;
            w.add(step_kind::idle, 1, &B::idle);
            w.add(step_kind::load, cw, &B::load_weights).count = cw;
            auto& gap = w.add(step_kind::idle, ref_weight_gap, &B::idle);
            const std::uint64_t hold = reference_weight_hold(cfg, std::min(plan.chunk, nb));
            if (hold) {  // row R-1 still holds weights: wait until the first chunk fits
                gap.cycles += hold;
                gap.buckets.add_stall(&stall_causes::l0_full, hold);
                w.skip(hold);
            }
            unsigned c = 0;
            for (unsigned first = 0; first < nb; first += plan.chunk, ++c) {
                const unsigned n = std::min(plan.chunk, nb - first);
                w.chunk = c;
                // Chunks after the first repeat the fixed overhead: refill.
                auto over = [&](std::uint64_t B::*normal) { return c ? &B::refill : normal; };
                auto& ap = w.add(step_kind::act_prefetch, xl, over(&B::load_data));
                ap.first = first;
                ap.xmem_reads = xl;
                auto& al = w.add(step_kind::act_to_l0, n, &B::load_data);
                al.first = first;
                al.count = n;
                al.xmem_reads = n;
                w.add(step_kind::idle, 1, over(&B::idle));
                auto& ex = w.add(step_kind::execute, n, &B::execute);
                ex.first = first;
                ex.count = n;
                w.add(step_kind::drain, A.rows + A.cols + 1, over(&B::drain));
                w.add(step_kind::ofifo_prefetch, 1, over(&B::drain));
                auto& op = w.add(step_kind::ofifo_to_pmem, n + 1, nullptr);
                op.buckets.drain = n;
                if (c) op.buckets.refill = 1;
                else op.buckets.drain += 1;
                op.first = first;
                op.count = n;
                op.pmem_writes = n + 1;
            }
        }
        w.kij = 0;
        w.chunk = 0;
        w.add(step_kind::idle, 1, band_setup(&B::idle));
        const std::uint64_t pc = reference_pixel_cycles(cfg, plan, it, g);
        const bool write_back = !plan.last_contribution(it, g);
        for (unsigned o = 0; o <= ob; ++o) {
            auto& s = w.add(step_kind::accumulate_pixel, pc, o < ob ? &B::accumulate : band_setup(&B::accumulate));
            s.first = o;
            // Every iteration reads k^2 words (+1 partial), as the tb does: the (O_b + 1)-th is
            // the tb's check of the last pixel, whose reads repeat the last address (the acc
            // file is at its end) and whose sum is never output or written back.
            s.pmem_reads = kg.count + (plan.first_contribution(it, g) ? 0 : 1);
            if (o < ob) {
                s.count = 1;
                s.pmem_writes = write_back ? 1 : 0;
            }
        }
    });
    w.otile = w.itile = w.band = w.group = 0;
    w.add(step_kind::tail, ref_tail, &B::idle);
}

/// The reference flow's FIFO events, from its steps: every phase is one run of edges.
void meter_reference(const accel_config& cfg, const std::vector<schedule_step>& steps, peak_meters& m) {
    const std::uint64_t R = cfg.arch.rows;
    for (const auto& s : steps) {
        switch (s.kind) {
        case step_kind::weight_to_l0:
        case step_kind::act_to_l0: m.l0.push(s.start + 1, s.count); break;
        case step_kind::load: m.l0.pop(s.start + 1 + R, s.count); break;
        case step_kind::execute:
            m.l0.pop(s.start + 1 + R, s.count);
            m.ofifo.push(s.start + 1 + R + ofifo_push_lag, s.count);
            break;
        case step_kind::ofifo_to_pmem:
            // The prefetch read (cycle start - 1) pops word 0; the last two reads find it empty.
            m.ofifo.pop(s.start + 1, s.count);
            break;
        default: break;
        }
    }
}

}  // namespace

overlapped_band plan_overlapped_band(const accel_config& cfg, const tiling_plan& plan, unsigned itile,
                                     unsigned band, std::uint64_t start, unsigned group) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    const map_band& rb = plan.bands.at(band);
    const kernel_group& kg = plan.kernel_groups.at(group);
    const unsigned nb = rb.positions();
    const unsigned pw = rb.in_cols;
    const unsigned kw = L.kernel_w, s = L.stride;
    const unsigned cw = weight_words(cfg);
    const unsigned xl = A.xmem.read_latency;
    const unsigned pl = A.pmem.read_latency;
    const unsigned depth = A.ofifo_depth;
    const std::uint64_t R = A.rows, C = A.cols;

    overlapped_band ob_plan;
    ob_plan.acc_base = plan.contributions() > 1 ? plan.partial_base : plan.psum_base;
    ob_plan.words.reserve(std::size_t{kg.count} * nb);

    // The drain handles one word at a time: a read-modify-write reads pmem pl cycles before its
    // write and the next word's first pmem access follows that write. (Overlapping the reads of
    // later words with earlier writes would let a longer read latency pack the port better and
    // make a slower SRAM faster; with pl = 1 both rules give the same cycles.)
    std::uint64_t last_access = 0;    // write cycle of the last drained word that touched pmem
    unsigned last_addr = 0;           // and its pmem word
    bool any_access = false;
    std::uint64_t x = start;          // xmem free from here
    std::uint64_t last_write = 0;     // cycle of the previous drained word
    bool any_word = false;
    for (unsigned q = kg.first; q < kg.first + kg.count; ++q) {
        const unsigned ki = q / kw, kj = q % kw;
        // Chunks of even size (they differ by one position at most): a remainder chunk would
        // let a shallower OFIFO re-split a band into a faster set of chunks.
        const auto chunks = static_cast<unsigned>(ceil_div(nb, plan.chunk));
        unsigned c = 0;
        for (unsigned first = 0, count = 0; first < nb; first += count, ++c) {
            count = static_cast<unsigned>(ceil_div(nb - first, chunks - c));
            overlapped_job j;
            j.kij = q;
            j.chunk = c;
            j.first = first;
            j.count = count;
            j.weights = c == 0 ? cw : 0;
            const std::uint64_t writes = offchip_write_cycles(cfg, j.weights);
            const std::uint64_t lead = writes + xl + j.weights;  // xmem start -> execute
            // OFIFO room: column 0's push of word i (cycle exec + 1 + R + i) must find the word
            // `depth` places earlier already popped (its write cycle + 1).
            std::uint64_t need_exec = x + lead;
            const std::size_t g0 = ob_plan.words.size();
            for (unsigned i = 0; i < j.count; ++i) {
                const std::size_t g = g0 + i;
                if (g < depth) continue;
                const std::uint64_t popped = ob_plan.words[g - depth].write_cycle + 1;
                if (popped > 1 + R + i) need_exec = std::max(need_exec, popped - 1 - R - i);
            }
            j.xmem_start = need_exec - lead;
            j.read_start = j.xmem_start + writes;
            j.l0_start = j.read_start + xl;
            j.load_start = j.l0_start;
            j.exec_start = j.l0_start + j.weights;
            j.end = j.l0_start + j.weights + j.count;
            x = j.end;
            // Drain of this job's words, in order, one pop per cycle, pmem port shared.
            for (unsigned i = 0; i < j.count; ++i) {
                overlapped_word wd;
                const unsigned p = first + i;
                const unsigned prow = p / pw, pcol = p % pw;
                // Position (orow x stride + ki, ocol x stride + kj) holds pixel (orow, ocol)'s psum.
                if (prow >= ki && pcol >= kj && (prow - ki) % s == 0 && (pcol - kj) % s == 0 &&
                    (prow - ki) / s < rb.out_rows && (pcol - kj) / s < rb.out_cols) {
                    wd.pixel = static_cast<std::int32_t>((prow - ki) / s * rb.out_cols + (pcol - kj) / s);
                    wd.first = plan.first_contribution(itile, group) && q == kg.first;
                }
                std::uint64_t t = j.exec_start + 1 + R + C + i;
                if (any_word) t = std::max(t, last_write + 1);
                if (wd.pixel >= 0) {
                    // Read-modify-write: the read goes pl cycles before the write and after the
                    // previous word's write (one word in flight). It may share that write's cycle
                    // when a second port or another bank takes it; else it waits one cycle.
                    const bool rmw = !wd.first;
                    const unsigned addr = ob_plan.acc_base + static_cast<unsigned>(wd.pixel);
                    if (rmw && any_access) {
                        const std::uint64_t unlimited = std::max<std::uint64_t>(t, last_access + pl);
                        const bool share = A.pmem.two_fit(last_addr, addr);
                        t = std::max<std::uint64_t>(t, last_access + pl + (share ? 0 : 1));
                        if (t > unlimited) {
                            wd.port_wait = static_cast<unsigned>(t - unlimited);
                            wd.bank_conflict = A.pmem.banks > 1;
                        }
                    }
                    last_access = t;
                    last_addr = addr;
                    any_access = true;
                }
                wd.write_cycle = t;
                last_write = t;
                any_word = true;
                ob_plan.words.push_back(wd);
            }
            ob_plan.jobs.push_back(j);
        }
    }
    ob_plan.drain_end = std::max(x, any_word ? last_write + 1 : x);
    return ob_plan;
}

namespace {

void build_overlapped(const accel_config& cfg, const tiling_plan& plan, step_writer& w, peak_meters& m) {
    const layer_keys& L = cfg.layer;
    const arch_keys& A = cfg.arch;
    const std::uint64_t wc = xmem_write_cycles(cfg);
    using B = cycle_buckets;
    if (A.l0_depth < A.rows)
        throw config_error(fmt::format("l0.depth: schedule.kind = \"overlapped\" streams through L0 and "
                                       "needs l0.depth >= array.rows ({}), got {}", A.rows, A.l0_depth));
    w.add(step_kind::reset, ref_reset_cycles, &B::idle);
    w.add(step_kind::idle, ref_reset_idle, &B::idle);
    for_each_group(plan, w, [&](unsigned it, unsigned b, unsigned g) {
        const unsigned nb = plan.band_positions(plan.bands[b], L);
        const unsigned ob = plan.band_out_positions(plan.bands[b], L);
        // The band's activations stay in xmem for the input tile's later kernel groups.
        if (g == 0) add_writes(cfg, w, step_kind::write_act, nb, &B::load_data);
        const overlapped_band tl = plan_overlapped_band(cfg, plan, it, b, w.now(), g);
        const std::uint64_t R = A.rows;
        for (const auto& j : tl.jobs) {
            // L0 writes and reads are both one contiguous run (load, then execute).
            m.l0.push(j.l0_start + 1, j.weights + j.count);
            m.l0.pop(j.l0_start + 1 + R, j.weights + j.count);
            m.ofifo.push(j.exec_start + 1 + R + ofifo_push_lag, j.count);
        }
        for (const auto& wd : tl.words) {
            m.ofifo.pop(wd.write_cycle + 1, 1);  // ofifo_rd at write_cycle - 1
            if (wd.pixel < 0) continue;
            m.pmem_cycles.push_back(wd.write_cycle);
            if (!wd.first) m.pmem_cycles.push_back(wd.write_cycle - A.pmem.read_latency);
        }
        // pmem traffic per job: the words whose write falls in the job's window.
        std::size_t wi = 0;
        for (std::size_t ji = 0; ji < tl.jobs.size(); ++ji) {
            const auto& j = tl.jobs[ji];
            w.kij = j.kij;
            w.chunk = j.chunk;
            const std::uint64_t gap = j.xmem_start - w.now();
            auto& s = w.add(step_kind::stream, j.end - w.now(), nullptr);
            // A job starts late only to find OFIFO room (plan_overlapped_band).
            s.buckets.add_stall(&stall_causes::ofifo_full, gap);
            s.buckets.add_stall(&stall_causes::offchip_bandwidth, std::uint64_t{j.weights} * (wc - 1));
            s.buckets.add_stall(&stall_causes::offchip_latency, offchip_bursts(cfg, j.weights) * A.offchip_latency);
            s.buckets.load_weights = 2ull * j.weights;
            // The xmem read latency before the first L0 write: repeated by every chunk after the first.
            (j.chunk ? s.buckets.refill : s.buckets.load_data) = A.xmem.read_latency;
            s.buckets.execute = j.count;
            s.first = j.first;
            s.count = j.count;
            s.xmem_writes = j.weights;
            s.xmem_reads = j.weights + j.count;
            for (; wi < tl.words.size() && tl.words[wi].write_cycle < j.end; ++wi) {
                if (tl.words[wi].pixel < 0) continue;
                s.pmem_writes += 1;
                s.pmem_reads += tl.words[wi].first ? 0 : 1;
            }
        }
        w.kij = 0;
        w.chunk = 0;
        // The pipeline drains once per band: bands after the first repeat it (refill).
        auto& d = w.add(step_kind::drain_tail, tl.drain_end - w.now(), b || g ? &B::refill : &B::drain);
        // Cycles of the tail in which the drain waited for the pmem port or a bank: stall. (During
        // the jobs the drain runs behind the array; it costs cycles there only through OFIFO room.)
        for (const auto& wd : tl.words) {
            if (!wd.port_wait) continue;
            const std::uint64_t lo = std::max(d.start, wd.write_cycle - wd.port_wait), hi = std::min(d.start + d.cycles, wd.write_cycle);
            if (lo >= hi) continue;
            (b || g ? d.buckets.refill : d.buckets.drain) -= hi - lo;
            d.buckets.add_stall(wd.bank_conflict ? &stall_causes::pmem_bank : &stall_causes::pmem_port, hi - lo);
        }
        for (; wi < tl.words.size(); ++wi) {
            if (tl.words[wi].pixel < 0) continue;
            d.pmem_writes += 1;
            d.pmem_reads += tl.words[wi].first ? 0 : 1;
        }
        if (plan.last_contribution(it, g)) {
            auto& r = w.add(step_kind::readout, overlapped_readout_cycles(cfg, ob), &B::accumulate);
            r.count = ob;
            r.pmem_reads = ob;
        }
    });
    w.otile = w.itile = w.band = w.group = 0;
    w.add(step_kind::tail, ref_tail, &B::idle);
}

}  // namespace

std::vector<schedule_step> build_schedule(const accel_config& cfg, const tiling_plan& plan) {
    if (plan.chunk == 0 || plan.bands.empty() || plan.kernel_groups.empty())
        throw config_error("schedule: the tiling plan has no bands, no kernel groups or a zero chunk size");
    if (weight_words(cfg) > cfg.arch.l0_depth && cfg.arch.schedule == schedule_kind::reference)
        throw config_error(fmt::format("l0.depth: the reference schedule loads {} weight words per kij into "
                                       "L0 and needs l0.depth >= {}, got {}", weight_words(cfg),
                                       weight_words(cfg), cfg.arch.l0_depth));
    std::vector<schedule_step> steps;
    step_writer w(steps);
    peak_meters m;
    if (cfg.arch.schedule == schedule_kind::reference) {
        build_reference(cfg, plan, w);
        meter_reference(cfg, steps, m);
    } else {
        build_overlapped(cfg, plan, w, m);
    }
    for (auto& s : steps) {
        // One port per SRAM and at most one access per instruction: a step that accesses an
        // SRAM at all peaks at one word per cycle.
        s.xmem_peak = s.xmem_reads + s.xmem_writes > 0 ? 1 : 0;
        if (s.kind != step_kind::stream && s.kind != step_kind::drain_tail)
            s.pmem_peak = s.pmem_reads + s.pmem_writes > 0 ? 1 : 0;
    }
    m.apply(steps);
    for (const auto& s : steps)
        SATLM_ASSERT("satlm/schedule", s.buckets.total() == s.cycles && s.buckets.stall == s.buckets.stall_causes.total(),
                     "step {} at cycle {}: buckets {} (stall {}, causes {}) for {} cycles", to_string(s.kind),
                     s.start, s.buckets.total(), s.buckets.stall, s.buckets.stall_causes.total(), s.cycles);
    // A shallow FIFO shows up as stall cycles, never as an overflow: the builders size their
    // waits from the same edge conventions the meters use.
    const schedule_peaks pk = peak_stats(steps);
    SATLM_ASSERT("satlm/schedule", pk.l0_high_water <= cfg.arch.l0_depth,
                 "L0 row peak {} exceeds l0.depth {}", pk.l0_high_water, cfg.arch.l0_depth);
    SATLM_ASSERT("satlm/schedule", pk.ofifo_high_water <= cfg.arch.ofifo_depth,
                 "OFIFO column peak {} exceeds ofifo.depth {}", pk.ofifo_high_water, cfg.arch.ofifo_depth);
    return steps;
}

schedule_peaks peak_stats(const std::vector<schedule_step>& steps) {
    schedule_peaks p;
    for (const auto& s : steps) {
        p.xmem_accesses = std::max(p.xmem_accesses, s.xmem_peak);
        p.pmem_accesses = std::max(p.pmem_accesses, s.pmem_peak);
        p.l0_high_water = std::max(p.l0_high_water, s.l0_peak);
        p.ofifo_high_water = std::max(p.ofifo_high_water, s.ofifo_peak);
    }
    return p;
}

std::uint64_t first_psum_latency(const accel_config& cfg, unsigned col) {
    return std::uint64_t{cfg.arch.rows} + col;
}

cycle_buckets total_cycles(const std::vector<schedule_step>& steps) {
    cycle_buckets t;
    for (const auto& s : steps) t += s.buckets;
    return t;
}

void step_totals::add(const schedule_step& s) {
    cycles += s.buckets;
    if (s.kind == step_kind::execute || s.kind == step_kind::stream) {
        chunks += 1;
        if (s.chunk == 0) passes += 1;
    }
}

std::uint64_t group_cycles(const std::vector<schedule_step>& steps, unsigned otile, unsigned itile,
                           unsigned band, unsigned group) {
    std::uint64_t n = 0;
    for (const auto& s : steps)
        if (s.otile == otile && s.itile == itile && s.band == band && s.group == group && s.kind != step_kind::tail)
            n += s.cycles;
    return n;
}

}  // namespace satlm
