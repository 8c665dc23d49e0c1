#pragma once
/// The loosely-timed model's functional side and per-job accounting, in plain C++ (no kernel).
///
/// The schedule (tlm/schedule.h) is cut into jobs, one transaction each: the steps of one
/// kernel-position pass (otile, itile, band, kij), or a run of accumulation / read-out steps.
/// `lt_core::execute(job, group)` does what the array and SFU do in those steps, functionally:
///   * execute / stream steps: the pass's psums for the step's band positions, computed by
///     pe/pass_compute into the band's pmem image (one plane per kij, wrapped to psum_bits);
///   * when a pass group's passes are complete (an accumulation step, or the next group's first
///     pass): the SFU sum of the group's psums of each output pixel, added to the earlier
///     contributions' (input tiles', kernel groups') partial sums (wrap-around), ReLU after the
///     last one.
/// It returns the job's analytic cycles (the sum of its steps') and adds the steps' buckets and
/// SRAM traffic to the run's statistics.
///
/// `lt_program` keeps the per-pass cost off the schedule builder: the steps of a (otile, band,
/// itile, kernel group) group depend only on the band's shape (its input and output rectangle
/// sizes, not its place), on the kernel group's size and on whether it is the first, a middle or
/// the last group (in the overlapped schedule: on its kernel positions), on whether the input tile is the first, a middle or the last one, and on
/// whether the output tile is the first. So it builds the schedule of at most 2 output x 3 input
/// tiles, one band of each shape (and band 0) and one kernel group of each kind, and replays those groups'
/// jobs for every group of the layer, with their kernel positions moved to the group's (the cut
/// is checked; if the schedule does not have that shape, the full schedule is used).
///
/// The LT SystemC shell (testbench/lt_model) and the kernel-free engine (run_lt_engine) share
/// both classes, so they give the same results.
///
/// Does not model: per-cycle behaviour (FIFO occupancy, SRAM ports). The statistics the cycle
/// model measures per cycle (FIFO high water, SRAM peak bytes per cycle, first-psum latencies)
/// come from the schedule, which derives them exactly (schedule_step's peak fields).
///
/// \code
///   satlm::lt_program prog(cfg, plan);
///   satlm::lt_core core(cfg, layer, plan);
///   prog.for_each_job([&](const satlm::lt_job& j, const satlm::lt_group& g) { core.execute(j, g); });
///   satlm::run_result r = core.finish();
/// \endcode

#include "dataflow/ws/pass_compute.h"
#include "dataflow/run_result.h"
#include "dataflow/ws/schedule.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace satlm {

/// The (output tile, input tile, band, kernel group) a job belongs to.
struct lt_group {
    unsigned otile = 0, itile = 0, band = 0, group = 0;
    bool operator==(const lt_group& o) const {
        return otile == o.otile && itile == o.itile && band == o.band && group == o.group;
    }
};

/// One transaction's worth of schedule: consecutive steps and their summed accounting.
struct lt_job {
    std::size_t first_step = 0;    ///< index into lt_program::steps()
    std::size_t step_count = 0;
    std::size_t first_pass = 0;    ///< index into lt_program::pass_steps(): execute/stream steps
    std::size_t pass_count = 0;
    bool accumulation = false;     ///< SFU side (accumulate / drain tail / read-out / tail)
    std::uint64_t cycles = 0;
    cycle_buckets buckets;
    std::uint64_t xmem_reads = 0, xmem_writes = 0, pmem_reads = 0, pmem_writes = 0;
    std::uint64_t xmem_peak_words = 0;  ///< most xmem accesses in one cycle (max of the steps')
    std::uint64_t pmem_peak_words = 0;  ///< the same for pmem
    std::uint64_t l0_high_water = 0, ofifo_high_water = 0;  ///< max of the steps' FIFO peaks
    std::uint64_t passes = 0, chunks = 0;
};

/// The schedule of a layer as jobs, replayable for every group (see the file comment).
class lt_program {
public:
    lt_program(const accel_config& cfg, const tiling_plan& plan);

    /// Calls f(job, group) for every job of the run, in time order.
    template <typename F>
    void for_each_job(F&& f) const {
        if (m_full) {
            for (std::size_t r = 0; r < m_ranges.size(); ++r)
                for (std::size_t j = m_ranges[r].first_job; j < m_ranges[r].end_job; ++j)
                    f(m_jobs[j], m_ranges[r].group);
            return;
        }
        for (unsigned ot = 0; ot < m_plan.out_tiles; ++ot)
            for (unsigned b = 0; b < m_plan.bands.size(); ++b)
                for (unsigned it = 0; it < m_plan.in_tiles; ++it)
                    for (unsigned kg = 0; kg < m_plan.kernel_groups.size(); ++kg) {
                        const range& r = m_ranges[template_range(ot, b, it, kg)];
                        const lt_group g{ot, it, b, kg};
                        for (std::size_t j = r.first_job; j < r.end_job; ++j) f(m_jobs[j], g);
                    }
        const range& t = m_ranges.back();
        for (std::size_t j = t.first_job; j < t.end_job; ++j) f(m_jobs[j], t.group);
    }

    /// Calls f(step) for every step of the run in time order: the held steps re-stamped with
    /// the group they are replayed for (tiles, band, kernel group and position) and their start
    /// cycle. The cycle engine streams its schedule this way.
    template <typename F>
    void for_each_step(F&& f) const {
        std::uint64_t now = 0;
        schedule_step s;
        for_each_job([&](const lt_job& j, const lt_group& g) {
            for (std::size_t i = j.first_step; i < j.first_step + j.step_count; ++i) {
                s = m_steps[i];
                if (!m_full) restamp(s, g);
                s.start = now;
                now += s.cycles;
                f(static_cast<const schedule_step&>(s));
            }
        });
    }
    const std::vector<schedule_step>& steps() const { return m_steps; }
    const std::vector<const schedule_step*>& pass_steps() const { return m_pass_steps; }
    /// True when the full schedule is replayed as is (small layers, or an unexpected shape).
    bool full() const { return m_full; }
    /// The layer's kernel position of pass step `s` replayed for `group`.
    unsigned kij(const schedule_step& s, const lt_group& group) const {
        if (m_full) return s.kij;
        return s.kij - m_sched_plan.kernel_groups[s.group].first + m_plan.kernel_groups[group.group].first;
    }
    /// Jobs a whole run sends.
    std::uint64_t job_count() const;
    /// The whole run's cycle buckets, summed per replayed group (without visiting its jobs): the
    /// schedule's total_cycles() of the full plan, at the cost of the reduced schedule.
    cycle_buckets total_buckets() const;

private:
    struct range {
        lt_group group;
        std::size_t first_job = 0, end_job = 0;
    };
    std::size_t template_range(unsigned ot, unsigned b, unsigned it, unsigned kg) const {
        const unsigned t_ot = ot == 0 ? 0 : 1;
        const unsigned t_it = it == 0 ? 0 : (it + 1 == m_plan.in_tiles ? m_t_in - 1 : 1);
        return ((std::size_t{t_ot} * m_sched_plan.bands.size() + m_band_of[b]) * m_t_in + t_it) *
                   m_sched_plan.kernel_groups.size() +
               m_group_of[kg];
    }
    bool cut(const tiling_plan& sched_plan);
    void restamp(schedule_step& s, const lt_group& g) const;
    void add_job(std::size_t first, std::size_t end);

    tiling_plan m_plan;
    tiling_plan m_sched_plan;                 // the plan the schedule was built from
    std::vector<unsigned> m_band_of;          // band -> its shape's band in m_sched_plan
    std::vector<unsigned> m_group_of;         // kernel group -> its kind's group in m_sched_plan
    unsigned m_t_in = 1;                      // input tiles of the reduced schedule
    bool m_full = false;
    std::vector<schedule_step> m_steps;       // the (reduced or full) schedule
    std::vector<const schedule_step*> m_pass_steps;
    std::vector<lt_job> m_jobs;
    std::vector<range> m_ranges;              // groups in schedule order, then the tail
};

/// The array + SFU, functionally, with the run's statistics.
class lt_core {
public:
    lt_core(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

    /// Runs one job of `prog` for `group`; returns its cycles. Throws std::logic_error when the
    /// jobs leave a band position uncomputed or name a pass outside the plan.
    std::uint64_t execute(const lt_program& prog, const lt_job& job, const lt_group& group);

    /// Folds the last band, checks that every output was produced, returns outputs and stats.
    run_result finish();

    /// Cycles executed so far.
    std::uint64_t cycles() const { return m_stats.cycles.total(); }

private:
    /// Index of a pass group in m_folded: a band's contributions (itile, group) are consecutive.
    std::size_t folded_id(const lt_group& g) const {
        return ((std::size_t{g.otile} * m_plan.bands.size() + g.band) * m_plan.in_tiles + g.itile) *
                   m_plan.kernel_groups.size() + g.group;
    }
    void account(const lt_job& j);
    void compute(const schedule_step& s, const lt_group& g, unsigned kij);
    void fold();
    template <typename Acc>
    void compute_into(const schedule_step& s, unsigned kij, std::vector<Acc>& planes);
    template <typename Acc>
    void fold_into(const std::vector<Acc>& planes, std::vector<Acc>& acc);

    accel_config m_cfg;
    tiling_plan m_plan;
    pass_compute m_pass;
    unsigned m_k2 = 0;
    unsigned m_slots = 0;            // kernel positions of the largest group
    unsigned m_cols = 0;
    unsigned m_out_pixels = 0;
    std::size_t m_plane_stride = 0;  // band positions of the largest band

    bool m_pending = false;                   // planes hold a group not yet folded
    lt_group m_group;                         // the group the planes belong to
    std::vector<std::uint64_t> m_covered;     // positions computed per kernel slot of m_group
    std::vector<std::uint16_t> m_planes16;    // [kij - group first][c][position], psum_bits <= 16
    std::vector<std::uint32_t> m_planes32;    // same, psum_bits > 16
    std::vector<std::uint16_t> m_acc16;       // [otile][c][pixel]: SFU sums across input tiles
    std::vector<std::uint32_t> m_acc32;
    std::vector<std::uint8_t> m_folded;       // [otile][band][itile][group]: folded once
    std::uint64_t m_finished_bands = 0;       // (otile, band) outputs produced

    run_stats m_stats;
    layer_output m_out;   ///< after ReLU
    layer_output m_sums;  ///< the SFU accumulators before ReLU (run_result::sums)
};

/// The LT model without the SystemC kernel: the same jobs and accounting as run_lt_systemc.
run_result run_lt_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

/// The same schedule and accounting without tensors: the statistics run_lt_engine (and the
/// cycle model) report, for layers too large to compute (`satlm net --no-data`).
run_stats time_lt_engine(const accel_config& cfg, const tiling_plan& plan);

}  // namespace satlm
