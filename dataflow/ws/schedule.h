#pragma once
/// The schedule of a layer run as a list of steps with their exact cycle counts: the timing
/// contract shared by the cycle model (testbench/sequencer expands each step into per-cycle
/// instructions and asserts it took exactly `cycles`) and the LT model (annotates each pass
/// with the sum of its steps' cycles).
///
/// Two kinds (`schedule.kind`):
/// * reference: the reference testbench flow of docs/rtl-reference.md section 2.4,
///   phase by phase; 1936 cycles for a single-tile 6x6 -> 4x4 layer on 8x8.
/// * overlapped: the fused flow with a weight re-arm bit (no reset per kij) and online
///   accumulation during the OFIFO drain; xmem -> L0 -> PE streaming while executing.
///
/// Steps never overlap in time: step i covers cycles [start, start + cycles). In "overlapped"
/// a `stream` step covers one (kij, chunk) job's xmem window, during which the previous job's
/// drain also runs.
///
/// \code
///   auto plan = satlm::plan_tiling(cfg);
///   auto steps = satlm::build_schedule(cfg, plan);
///   std::uint64_t total = satlm::total_cycles(steps).total();
/// \endcode

#include "tlm/config.h"
#include "tlm/stats.h"
#include "dataflow/ws/tiling.h"

#include <cstdint>
#include <vector>

namespace satlm {

enum class step_kind {
    reset,             ///< core reset held for `cycles` (re-arms weights, clears FIFOs and SFU)
    idle,              ///< fixed idle gap
    write_act,         ///< off-chip -> xmem activation writes (first .. first+count)
    write_weight,      ///< off-chip -> xmem weight writes for one kij (count = C')
    weight_prefetch,   ///< xmem read of the first weight words (xmem.read_latency cycles)
    weight_to_l0,      ///< xmem read + L0 write of C' weight words
    load,              ///< L0 read + load, C' cycles (kernel load wave)
    act_prefetch,      ///< xmem read of the first activation words of a chunk
    act_to_l0,         ///< xmem read + L0 write of a chunk's activations
    execute,           ///< L0 read + execute, one per chunk position
    drain,             ///< idle while the array drains into the OFIFO (R + C + 1)
    ofifo_prefetch,    ///< registered OFIFO read before the first pmem write
    ofifo_to_pmem,     ///< OFIFO read + pmem write, count + 1 cycles (the last writes a stale head)
    accumulate_pixel,  ///< one SFU iteration of an output pixel (count = 0 for the tb's check iteration)
    tail,              ///< idle until the end of the run
    // overlapped-only
    stream,            ///< one (kij, chunk) job: weight writes, xmem -> L0 -> PE load + execute
    drain_tail,        ///< the last job's drain with online accumulation, until pmem is final
    readout,           ///< pmem -> SFU -> ReLU of a band's output pixels (pipelined, 1 per cycle)
};

const char* to_string(step_kind k);

/// One step of the schedule.
struct schedule_step {
    step_kind kind = step_kind::idle;
    std::uint64_t start = 0;   ///< first cycle of the step (cycle 0 = first reset edge)
    std::uint64_t cycles = 0;  ///< exact length in cycles
    cycle_buckets buckets;     ///< where those cycles go; buckets.total() == cycles
    unsigned otile = 0, itile = 0, band = 0;
    unsigned group = 0;        ///< kernel group (tiling_plan::kernel_groups) of the pass group
    unsigned kij = 0;          ///< kernel position (kij steps); 0 otherwise
    unsigned chunk = 0;        ///< chunk index within the kij (chunked steps)
    unsigned first = 0;        ///< first band position (act/chunk steps) or pixel (accumulate/readout)
    unsigned count = 0;        ///< positions / words / pixels the step moves
    std::uint64_t xmem_reads = 0, xmem_writes = 0, pmem_reads = 0, pmem_writes = 0;
    // Per-cycle peaks over the edges that act on this step's instructions (edge t + 1 acts on the
    // instruction of cycle t). Exact for the cycle model: the run's statistics are the maxima.
    std::uint64_t xmem_peak = 0;   ///< most xmem accesses in one edge (single port: 0 or 1)
    std::uint64_t pmem_peak = 0;   ///< most pmem accesses in one edge (single port: 0 or 1)
    std::uint64_t l0_peak = 0;     ///< highest L0 row occupancy after a push edge (0: no push)
    std::uint64_t ofifo_peak = 0;  ///< highest OFIFO column occupancy after a push edge (0: no push)
};

/// Cycles one off-chip -> xmem word write takes: ceil(xmem word bytes / offchip.bytes_per_cycle).
std::uint64_t xmem_write_cycles(const accel_config& cfg);

/// Off-chip -> xmem writes of `words` consecutive words. They come in bursts of
/// offchip.burst_bytes (0: all of them in one; at least one word a burst); each burst waits
/// offchip.latency cycles before its first word, then every word takes xmem_write_cycles.
std::uint64_t offchip_words_per_burst(const accel_config& cfg);
std::uint64_t offchip_bursts(const accel_config& cfg, std::uint64_t words);
std::uint64_t offchip_write_cycles(const accel_config& cfg, std::uint64_t words);
/// The word written in cycle k (0-based) of such a window, or -1 in a latency or bandwidth wait.
std::int64_t offchip_word_at(const accel_config& cfg, std::uint64_t words, std::uint64_t k);

/// Weight words per kij: C (4-bit) or 2C (2-bit mode).
unsigned weight_words(const accel_config& cfg);

/// The band's layer shape: padded_height x padded_width = the band's input rows x columns
/// (positions N_b).
layer_keys band_shape(const layer_keys& L, const map_band& b);

/// The whole run's steps in time order (otile, then band, then itile, then kernel group),
/// ending with the tail.
/// Throws config_error when the schedule cannot run on the configuration (e.g. "overlapped"
/// with l0.depth <= array.rows).
std::vector<schedule_step> build_schedule(const accel_config& cfg, const tiling_plan& plan);

/// The per-cycle peaks of a whole run: the maxima of the steps' peak fields.
struct schedule_peaks {
    std::uint64_t xmem_accesses = 0;  ///< words per cycle (x word bytes = peak bytes per cycle)
    std::uint64_t pmem_accesses = 0;
    std::uint64_t l0_high_water = 0;
    std::uint64_t ofifo_high_water = 0;
};
schedule_peaks peak_stats(const std::vector<schedule_step>& steps);

/// Cycles from PE(0,0)'s first execute edge to column `col`'s first OFIFO push: R + col (the
/// execute bit moves one PE per edge south then east, docs/rtl-reference.md section 2.2).
std::uint64_t first_psum_latency(const accel_config& cfg, unsigned col);

/// Sum of the steps' buckets (cycles.total() is the run's cycle count).
cycle_buckets total_cycles(const std::vector<schedule_step>& steps);

/// What a run's statistics take from its steps, summed as they go by (a streamed schedule is
/// never held whole).
struct step_totals {
    cycle_buckets cycles;
    std::uint64_t chunks = 0;  ///< execute and stream steps
    std::uint64_t passes = 0;  ///< of those, the first chunk of each kernel-position pass
    void add(const schedule_step& s);
};

/// Sum of the cycles of the steps of one pass group (otile, itile, band, kernel group), kij
/// steps included.
std::uint64_t group_cycles(const std::vector<schedule_step>& steps, unsigned otile, unsigned itile,
                           unsigned band, unsigned group = 0);

// ---- Overlapped schedule detail (the sequencer replays the same timeline) ----

/// One (kij, chunk) job of an overlapped band pass. Times are absolute cycles.
struct overlapped_job {
    unsigned kij = 0, chunk = 0;
    unsigned first = 0, count = 0;     ///< band positions [first, first + count)
    unsigned weights = 0;              ///< C' on the first chunk of a kij, else 0
    std::uint64_t xmem_start = 0;      ///< first cycle of the job's xmem window (weight writes)
    std::uint64_t read_start = 0;      ///< first xmem read (weights, then activations)
    std::uint64_t l0_start = 0;        ///< first L0 write (= read_start + xmem.read_latency)
    std::uint64_t load_start = 0;      ///< first load+l0_rd cycle (weights > 0)
    std::uint64_t exec_start = 0;      ///< first execute+l0_rd cycle
    std::uint64_t end = 0;             ///< one past the job's xmem window
};

/// One OFIFO word (a band position of one job) drained with online accumulation.
struct overlapped_word {
    std::uint64_t write_cycle = 0;  ///< cycle of the pmem write (or the pop-only cycle)
    std::int32_t pixel = -1;        ///< band-local output pixel it adds into; -1 = no pixel
    bool first = false;             ///< first contribution: plain write, no read-modify-write
    unsigned port_wait = 0;         ///< cycles its read waited for the pmem port or bank (before write_cycle)
    bool bank_conflict = false;     ///< the wait was a bank conflict (pmem.banks > 1), else a busy port
};

/// The timeline of one overlapped band pass starting at `start` (after the band's activation
/// writes): jobs, drained words in order, and where the drain ends.
struct overlapped_band {
    std::vector<overlapped_job> jobs;
    std::vector<overlapped_word> words;
    std::uint64_t drain_end = 0;  ///< one past the last pmem write / pop of the pass
    unsigned acc_base = 0;        ///< pmem word of band pixel 0 (0, or partial_base with several contributions)
};

/// Plans one overlapped band pass of kernel group `group`. `itile` and `group` decide the first
/// contribution.
overlapped_band plan_overlapped_band(const accel_config& cfg, const tiling_plan& plan,
                                     unsigned itile, unsigned band, std::uint64_t start, unsigned group = 0);

/// Cycles of the overlapped read-out of `pixels` output pixels (pipelined pmem -> SFU -> out).
std::uint64_t overlapped_readout_cycles(const accel_config& cfg, unsigned pixels);

/// Cycles of one reference SFU iteration of contribution (itile, group): reset 1, idle 2, the
/// group's psum reads (and the partial read after the first contribution), adds, output step,
/// partial write-back (before the last contribution).
std::uint64_t reference_pixel_cycles(const accel_config& cfg, const tiling_plan& plan, unsigned itile,
                                     unsigned group = 0);

/// Cycles the reference flow adds to the 12-cycle gap between a kij's kernel load and its first
/// activation prefetch, so that L0 row R-1, still popping the load's C' weights (the L0 skew),
/// never overflows when the first chunk of `first_chunk` positions is pushed. 0 unless
/// first_chunk + C' > l0.depth and array.rows > l0.depth + xmem.read_latency + 12.
std::uint64_t reference_weight_hold(const accel_config& cfg, unsigned first_chunk);

/// Fixed idle gaps of the reference flow (docs/rtl-reference.md section 2.4).
constexpr unsigned ref_reset_cycles = 11;
constexpr unsigned ref_reset_idle = 3;
constexpr unsigned ref_weight_gap = 12;  ///< idle between load and activation prefetch (at least)
constexpr unsigned ref_tail = 9;

}  // namespace satlm
