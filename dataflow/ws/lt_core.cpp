#include "dataflow/ws/lt_core.h"

#include "tlm/bits.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace satlm {

namespace {

/// Steps that belong to the SFU side of a band (after its passes), not to one pass.
bool accumulation_kind(step_kind k) {
    return k == step_kind::accumulate_pixel || k == step_kind::readout ||
           k == step_kind::drain_tail || k == step_kind::tail;
}

bool pass_kind(step_kind k) { return k == step_kind::execute || k == step_kind::stream; }

/// Adds one job's schedule accounting to the run's statistics (shared by the data run and the
/// timing-only run, so both report the same counters).
void add_job_stats(run_stats& st, const lt_job& j) {
    st.cycles += j.buckets;
    st.xmem.reads += j.xmem_reads;
    st.xmem.writes += j.xmem_writes;
    st.pmem.reads += j.pmem_reads;
    st.pmem.writes += j.pmem_writes;
    st.xmem.peak_bytes_per_cycle = std::max(st.xmem.peak_bytes_per_cycle, j.xmem_peak_words * st.xmem.word_bytes);
    st.pmem.peak_bytes_per_cycle = std::max(st.pmem.peak_bytes_per_cycle, j.pmem_peak_words * st.pmem.word_bytes);
    st.l0_high_water = std::max(st.l0_high_water, j.l0_high_water);
    st.ofifo_high_water = std::max(st.ofifo_high_water, j.ofifo_high_water);
    st.passes += j.passes;
    st.chunks += j.chunks;
}

/// The statistics a run starts from: MACs, word sizes and the first-psum latencies.
run_stats initial_stats(const accel_config& cfg) {
    run_stats st;
    st.macs = cfg.layer.macs();
    st.xmem.word_bytes = static_cast<unsigned>(ceil_div(cfg.arch.xmem_width(), 8));
    st.pmem.word_bytes = static_cast<unsigned>(ceil_div(cfg.arch.pmem_width(cfg.layer.psum_bits), 8));
    // Every run executes, so both latencies are seen (the cycle model measures the same edges).
    st.first_psum_col0 = first_psum_latency(cfg, 0);
    st.first_psum_last_col = first_psum_latency(cfg, cfg.arch.cols - 1);
    return st;
}

}  // namespace

lt_program::lt_program(const accel_config& cfg, const tiling_plan& plan) : m_plan(plan) {
    tiling_plan reduced = plan;
    reduced.out_tiles = std::min(plan.out_tiles, 2u);
    reduced.in_tiles = std::min(plan.in_tiles, 3u);
    m_t_in = reduced.in_tiles;
    // One band of each shape, in order of first appearance; band 0 keeps its own (the run's
    // first group also holds the steps before it, e.g. the overlapped flow's first reset).
    reduced.bands.clear();
    for (const auto& b : plan.bands) {
        unsigned i = reduced.bands.empty() ? 0 : 1;
        while (i < reduced.bands.size() &&
               !(reduced.bands[i].in_rows == b.in_rows && reduced.bands[i].in_cols == b.in_cols &&
                 reduced.bands[i].out_rows == b.out_rows && reduced.bands[i].out_cols == b.out_cols))
            ++i;
        if (i == reduced.bands.size()) reduced.bands.push_back(b);
        m_band_of.push_back(i);
    }
    // One kernel group of each kind (first, middle or last; size), in order: the first stays
    // first and the last stays last, so contributions keep their first/last roles. The
    // overlapped drain's timing depends on which words are useful, i.e. on the kernel positions
    // themselves: there every group is its own kind.
    reduced.kernel_groups.clear();
    std::vector<std::pair<int, unsigned>> kinds;
    const bool by_position = cfg.arch.schedule == schedule_kind::overlapped;
    for (unsigned g = 0; g < plan.kernel_groups.size(); ++g) {
        const int role = g == 0 ? 0 : (g + 1 == plan.kernel_groups.size() ? 2 : 1);
        const std::pair<int, unsigned> kind{by_position ? static_cast<int>(g) : role,
                                            by_position ? 0u : plan.kernel_groups[g].count};
        const auto it = std::find(kinds.begin(), kinds.end(), kind);
        if (it == kinds.end()) {
            kinds.push_back(kind);
            reduced.kernel_groups.push_back(plan.kernel_groups[g]);
        }
        m_group_of.push_back(static_cast<unsigned>(std::find(kinds.begin(), kinds.end(), kind) - kinds.begin()));
    }
    const bool whole = reduced.out_tiles == plan.out_tiles && reduced.in_tiles == plan.in_tiles &&
                       reduced.bands.size() == plan.bands.size() &&
                       reduced.kernel_groups.size() == plan.kernel_groups.size();
    m_sched_plan = whole ? plan : reduced;
    m_steps = build_schedule(cfg, m_sched_plan);
    m_full = whole;
    if (!cut(m_sched_plan)) {
        // Not the expected group structure: replay the full schedule instead.
        m_sched_plan = plan;
        m_steps = build_schedule(cfg, plan);
        m_full = true;
        cut(plan);
    }
}

bool lt_program::cut(const tiling_plan& sched_plan) {
    m_jobs.clear();
    m_ranges.clear();
    m_pass_steps.clear();
    std::size_t body = m_steps.size();
    while (body > 0 && m_steps[body - 1].kind == step_kind::tail) --body;
    auto key = [&](std::size_t i) {
        return lt_group{m_steps[i].otile, m_steps[i].itile, m_steps[i].band, m_steps[i].group};
    };
    auto add_range = [&](std::size_t first, std::size_t end) {
        range r;
        r.group = first < m_steps.size() ? key(first) : lt_group{};
        r.first_job = m_jobs.size();
        for (std::size_t i = first; i < end;) {
            const bool acc0 = accumulation_kind(m_steps[i].kind);
            std::size_t e = i + 1;
            while (e < end && accumulation_kind(m_steps[e].kind) == acc0 &&
                   (acc0 || m_steps[e].kij == m_steps[i].kij))
                ++e;
            add_job(i, e);
            i = e;
        }
        r.end_job = m_jobs.size();
        m_ranges.push_back(r);
    };
    for (std::size_t i = 0; i < body;) {
        std::size_t e = i + 1;
        while (e < body && key(e) == key(i)) ++e;
        add_range(i, e);
        i = e;
    }
    add_range(body, m_steps.size());  // the tail (possibly empty)
    if (m_full) return true;
    // Replay needs exactly one range per (otile, band, itile, group) of the reduced plan, in
    // loop order.
    const std::size_t groups = std::size_t{sched_plan.out_tiles} * sched_plan.in_tiles * sched_plan.bands.size() *
                               sched_plan.kernel_groups.size();
    if (m_ranges.size() != groups + 1) return false;
    std::size_t r = 0;
    for (unsigned ot = 0; ot < sched_plan.out_tiles; ++ot)
        for (unsigned b = 0; b < sched_plan.bands.size(); ++b)
            for (unsigned it = 0; it < sched_plan.in_tiles; ++it)
                for (unsigned kg = 0; kg < sched_plan.kernel_groups.size(); ++kg, ++r)
                    if (!(m_ranges[r].group == lt_group{ot, it, b, kg})) return false;
    return true;
}

void lt_program::restamp(schedule_step& s, const lt_group& g) const {
    // Steps outside the kernel loop keep kij = 0: only positions of the held group move.
    const kernel_group& from = m_sched_plan.kernel_groups[s.group];
    if (s.kij >= from.first && s.kij < from.first + from.count)
        s.kij = s.kij - from.first + m_plan.kernel_groups[g.group].first;
    s.otile = g.otile;
    s.itile = g.itile;
    s.band = g.band;
    s.group = g.group;
}

void lt_program::add_job(std::size_t first, std::size_t end) {
    lt_job j;
    j.first_step = first;
    j.step_count = end - first;
    j.first_pass = m_pass_steps.size();
    j.accumulation = accumulation_kind(m_steps[first].kind);
    for (std::size_t i = first; i < end; ++i) {
        const schedule_step& s = m_steps[i];
        j.cycles += s.cycles;
        j.buckets += s.buckets;
        j.xmem_reads += s.xmem_reads;
        j.xmem_writes += s.xmem_writes;
        j.pmem_reads += s.pmem_reads;
        j.pmem_writes += s.pmem_writes;
        // The schedule's exact per-cycle peaks (tlm/schedule.h): the job's are their maxima.
        j.xmem_peak_words = std::max(j.xmem_peak_words, s.xmem_peak);
        j.pmem_peak_words = std::max(j.pmem_peak_words, s.pmem_peak);
        j.l0_high_water = std::max(j.l0_high_water, s.l0_peak);
        j.ofifo_high_water = std::max(j.ofifo_high_water, s.ofifo_peak);
        if (pass_kind(s.kind)) {
            m_pass_steps.push_back(&s);
            if (s.chunk == 0) ++j.passes;
            ++j.chunks;
        }
    }
    j.pass_count = m_pass_steps.size() - j.first_pass;
    m_jobs.push_back(j);
}

std::uint64_t lt_program::job_count() const {
    std::uint64_t n = 0;
    for_each_job([&n](const lt_job&, const lt_group&) { ++n; });
    return n;
}

namespace {
/// n times the buckets b.
cycle_buckets scaled(const cycle_buckets& b, std::uint64_t n) {
    cycle_buckets r;
    cycle_buckets p = b;  // b x 2^k
    for (std::uint64_t k = n; k; k >>= 1) {
        if (k & 1) r += p;
        p += p;
    }
    return r;
}
}  // namespace

cycle_buckets lt_program::total_buckets() const {
    std::vector<cycle_buckets> per_range(m_ranges.size());
    for (std::size_t r = 0; r < m_ranges.size(); ++r)
        for (std::size_t j = m_ranges[r].first_job; j < m_ranges[r].end_job; ++j) per_range[r] += m_jobs[j].buckets;
    cycle_buckets total;
    if (m_full) {
        for (const auto& b : per_range) total += b;
        return total;
    }
    // template_range is separable: count how many output tiles, bands, input tiles and kernel
    // groups map to each template coordinate, and weigh each template range by the product.
    const std::size_t B = m_sched_plan.bands.size(), G = m_sched_plan.kernel_groups.size();
    std::vector<std::uint64_t> n_ot(2), n_b(B), n_it(m_t_in), n_g(G);
    for (unsigned ot = 0; ot < m_plan.out_tiles; ++ot) ++n_ot[ot == 0 ? 0 : 1];
    for (unsigned b = 0; b < m_plan.bands.size(); ++b) ++n_b[m_band_of[b]];
    for (unsigned it = 0; it < m_plan.in_tiles; ++it) ++n_it[it == 0 ? 0 : (it + 1 == m_plan.in_tiles ? m_t_in - 1 : 1)];
    for (unsigned kg = 0; kg < m_plan.kernel_groups.size(); ++kg) ++n_g[m_group_of[kg]];
    for (unsigned t_ot = 0; t_ot < 2; ++t_ot)
        for (std::size_t b = 0; b < B; ++b)
            for (unsigned t_it = 0; t_it < m_t_in; ++t_it)
                for (std::size_t g = 0; g < G; ++g) {
                    const std::uint64_t n = n_ot[t_ot] * n_b[b] * n_it[t_it] * n_g[g];
                    if (n) total += scaled(per_range[((t_ot * B + b) * m_t_in + t_it) * G + g], n);
                }
    total += per_range.back();
    return total;
}

lt_core::lt_core(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan)
    : m_cfg(cfg), m_plan(plan), m_pass(layer, plan) {
    const auto& L = cfg.layer;
    const auto& S = layer.shape;
    if (L.in_channels != S.in_channels || L.out_channels != S.out_channels ||
        L.padded_height != S.padded_height || L.padded_width != S.padded_width ||
        L.kernel_h != S.kernel_h || L.kernel_w != S.kernel_w || L.stride != S.stride || L.psum_bits != S.psum_bits || L.act_bits != S.act_bits)
        throw std::invalid_argument("lt_core: the layer tensors do not match cfg.layer");
    if (plan.bands.empty() || plan.kernel_groups.empty())
        throw std::invalid_argument("lt_core: the plan has no band or no kernel group");
    m_k2 = L.kernel_positions();
    for (const auto& g : plan.kernel_groups) m_slots = std::max(m_slots, g.count);
    m_cols = plan.pass_out_channels;
    m_out_pixels = L.out_positions();
    for (const auto& b : plan.bands)
        m_plane_stride = std::max<std::size_t>(m_plane_stride, plan.band_positions(b, L));
    const std::size_t plane_words = std::size_t{m_slots} * m_cols * m_plane_stride;
    const std::size_t acc_words = std::size_t{plan.out_tiles} * m_cols * m_out_pixels;
    if (m_pass.wide()) {
        m_planes32.assign(plane_words, 0);
        m_acc32.assign(acc_words, 0);
    } else {
        m_planes16.assign(plane_words, 0);
        m_acc16.assign(acc_words, 0);
    }
    m_covered.assign(m_slots, 0);
    m_folded.assign(std::size_t{plan.out_tiles} * plan.in_tiles * plan.bands.size() * plan.kernel_groups.size(), 0);

    m_out.out_positions = m_out_pixels;
    m_out.out_channels = L.out_channels;
    m_out.relu = true;
    m_out.values.assign(std::size_t{m_out_pixels} * L.out_channels, 0);
    m_sums = m_out;
    m_sums.relu = false;

    m_stats = initial_stats(cfg);
}

std::uint64_t lt_core::execute(const lt_program& prog, const lt_job& job, const lt_group& group) {
    if (job.accumulation) {
        if (m_pending) fold();
    } else {
        const auto& passes = prog.pass_steps();
        for (std::size_t i = job.first_pass; i < job.first_pass + job.pass_count; ++i)
            compute(*passes[i], group, prog.kij(*passes[i], group));
    }
    account(job);
    return job.cycles;
}

void lt_core::account(const lt_job& j) { add_job_stats(m_stats, j); }

void lt_core::compute(const schedule_step& s, const lt_group& g, unsigned kij) {
    if (m_pending && !(g == m_group)) fold();
    if (!m_pending) {
        if (g.otile >= m_plan.out_tiles || g.itile >= m_plan.in_tiles || g.band >= m_plan.bands.size() ||
            g.group >= m_plan.kernel_groups.size())
            throw std::logic_error(fmt::format("lt_core: pass of otile {} itile {} band {} group {} is outside the plan",
                                               g.otile, g.itile, g.band, g.group));
        if (m_folded[folded_id(g)])
            throw std::logic_error(fmt::format("lt_core: otile {} itile {} band {} group {} runs a pass after its "
                                               "accumulation", g.otile, g.itile, g.band, g.group));
        m_group = g;
        m_pending = true;
        std::fill(m_covered.begin(), m_covered.end(), 0);
    }
    const kernel_group& kg = m_plan.kernel_groups[m_group.group];
    if (kij < kg.first || kij >= kg.first + kg.count)
        throw std::logic_error(fmt::format("lt_core: kernel position {} outside group {}", kij, m_group.group));
    if (m_pass.wide()) compute_into(s, kij, m_planes32);
    else compute_into(s, kij, m_planes16);
    m_covered[kij - kg.first] += s.count;
}

template <typename Acc>
void lt_core::compute_into(const schedule_step& s, unsigned kij, std::vector<Acc>& planes) {
    const auto& L = m_cfg.layer;
    const map_band& b = m_plan.bands[m_group.band];
    const unsigned positions = b.positions();
    if (std::uint64_t{s.first} + s.count > positions)
        throw std::logic_error(fmt::format("lt_core: chunk [{}, {}) outside the band's {} positions",
                                           s.first, s.first + s.count, positions));
    if (s.count == 0) return;
    Acc* out = planes.data() + std::size_t{kij - m_plan.kernel_groups[m_group.group].first} * m_cols * m_plane_stride;
    // Only the psums the SFU reads are computed: kernel position (ki, kj) is read at band rows
    // orow x stride + ki and columns ocol x stride + kj (the others never reach an output). A
    // band spanning the map's width at stride 1 is contiguous from its first read row to its
    // last: one pass call; otherwise one call per read row, over its read column span.
    const unsigned ki = kij / L.kernel_w, kj = kij % L.kernel_w, st = L.stride, w = b.in_cols;
    const unsigned end = s.first + s.count;
    auto run = [&](unsigned from, unsigned to) {  // band positions [from, to) within the chunk
        from = std::max(from, s.first);
        to = std::min(to, end);
        if (from < to)
            m_pass.run<Acc>(m_group.otile, m_group.itile, kij, b.position(from, L.padded_width), to - from,
                            out + from, m_plane_stride);
    };
    if (st == 1 && w == L.padded_width) {
        run(ki * w, (ki + b.out_rows) * w);
        return;
    }
    const unsigned col0 = kj, col_end = kj + (b.out_cols - 1) * st + 1;
    for (unsigned r = 0; r < b.out_rows; ++r) {
        const unsigned row = r * st + ki;
        if ((row + 1) * w <= s.first) continue;
        if (row * w >= end) break;
        run(row * w + col0, row * w + col_end);
    }
}

void lt_core::fold() {
    const map_band& b = m_plan.bands[m_group.band];
    const unsigned positions = b.positions();
    const kernel_group& kg = m_plan.kernel_groups[m_group.group];
    for (unsigned q = 0; q < kg.count; ++q)
        if (m_covered[q] != positions)
            throw std::logic_error(fmt::format(
                "lt_core: otile {} itile {} band {} kij {}: {} of {} positions computed",
                m_group.otile, m_group.itile, m_group.band, kg.first + q, m_covered[q], positions));
    // Contributions are ids in a row: (itile, group) follows the one before it.
    const std::size_t id = folded_id(m_group);
    if (!m_plan.first_contribution(m_group.itile, m_group.group) && !m_folded[id - 1])
        throw std::logic_error(fmt::format("lt_core: otile {} band {}: input tile {} group {} before the "
                                           "contribution ahead of it", m_group.otile, m_group.band,
                                           m_group.itile, m_group.group));
    if (m_pass.wide()) fold_into(m_planes32, m_acc32);
    else fold_into(m_planes16, m_acc16);
    m_folded[id] = 1;
    m_pending = false;
}

template <typename Acc>
void lt_core::fold_into(const std::vector<Acc>& planes, std::vector<Acc>& acc) {
    const auto& L = m_cfg.layer;
    const map_band& b = m_plan.bands[m_group.band];
    const unsigned pw = b.in_cols, ow = L.out_width(), kw = L.kernel_w, st = L.stride;
    const unsigned cols = m_pass.columns(m_group.otile);
    const kernel_group& kg = m_plan.kernel_groups[m_group.group];
    const bool first = m_plan.first_contribution(m_group.itile, m_group.group);
    const bool last = m_plan.last_contribution(m_group.itile, m_group.group);
    for (unsigned c = 0; c < cols; ++c) {
        Acc* a = acc.data() + (std::size_t{m_group.otile} * m_cols + c) * m_out_pixels;
        for (unsigned r = 0; r < b.out_rows; ++r) {
            Acc* __restrict dst = a + std::size_t{b.out_row0 + r} * ow + b.out_col0;
            // The SFU: psum(kij, (orow * s + ki) * pw + ocol * s + kj) for the group's kij,
            // wrapped, added to the partial sum of the earlier contributions.
            for (unsigned q = 0; q < kg.count; ++q) {
                const unsigned kij = kg.first + q;
                const unsigned ki = kij / kw, kj = kij % kw;
                const Acc* __restrict src = planes.data() + (std::size_t{q} * m_cols + c) * m_plane_stride +
                                            std::size_t{r * st + ki} * pw + kj;
                if (first && q == 0) {
                    for (unsigned x = 0; x < b.out_cols; ++x) dst[x] = src[std::size_t{x} * st];
                } else if (st == 1) {
                    for (unsigned x = 0; x < b.out_cols; ++x) dst[x] = static_cast<Acc>(dst[x] + src[x]);
                } else {
                    for (unsigned x = 0; x < b.out_cols; ++x)
                        dst[x] = static_cast<Acc>(dst[x] + src[std::size_t{x} * st]);
                }
            }
        }
        if (last) {
            const unsigned oc = m_group.otile * m_cols + c;
            for (unsigned p = 0; p < b.out_positions(); ++p) {
                const unsigned o = b.out_pixel(p, ow);
                m_sums.at(o, oc) = m_pass.value(a[o]);
                m_out.at(o, oc) = relu(m_sums.at(o, oc));
            }
        }
    }
    if (last) ++m_finished_bands;
}

run_result lt_core::finish() {
    if (m_pending) fold();
    const std::uint64_t expected = std::uint64_t{m_plan.out_tiles} * m_plan.bands.size();
    if (m_finished_bands != expected)
        throw std::logic_error(fmt::format("lt_core: the schedule produced {} of {} (otile, band) outputs",
                                           m_finished_bands, expected));
    m_stats.simulated_seconds = double(m_stats.cycles.total()) * m_cfg.arch.clock_period_ns * 1e-9;
    run_result r;
    r.output = std::move(m_out);
    r.sums = std::move(m_sums);
    r.stats = m_stats;
    r.plan = m_plan;
    return r;
}

run_result run_lt_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan) {
    const lt_program prog(cfg, plan);
    lt_core core(cfg, layer, plan);
    prog.for_each_job([&](const lt_job& j, const lt_group& g) { core.execute(prog, j, g); });
    return core.finish();
}

run_stats time_lt_engine(const accel_config& cfg, const tiling_plan& plan) {
    const lt_program prog(cfg, plan);
    run_stats st = initial_stats(cfg);
    prog.for_each_job([&](const lt_job& j, const lt_group&) { add_job_stats(st, j); });
    st.simulated_seconds = double(st.cycles.total()) * cfg.arch.clock_period_ns * 1e-9;
    return st;
}

}  // namespace satlm
