#pragma once
/// SCALE-Sim v2 weight-stationary timing in its CALC bandwidth mode, in closed form.
///
/// SCALE-Sim builds per-fold demand matrices (one row per cycle) and streams them through a
/// double-buffered scratchpad; this computes the numbers of its three reports from the layer
/// and array shape alone, without per-cycle work (constant time, plus one addition per fold
/// for two averaged percentages), so it is usable on layers far too large for SCALE-Sim.
/// docs/blocks/scalesim_timing.md explains every formula and the SCALE-Sim conventions it keeps.

#include <cstdint>
#include <optional>
#include <string>

namespace satlm {

/// One layer as SCALE-Sim sees it: IFMAP sizes already padded, one stride for both axes.
struct scalesim_layer {
    std::uint64_t ifmap_h = 1;
    std::uint64_t ifmap_w = 1;
    std::uint64_t filter_h = 1;
    std::uint64_t filter_w = 1;
    std::uint64_t channels = 1;
    std::uint64_t filters = 1;
    std::uint64_t stride = 1;
};

/// The array and the parts of SCALE-Sim's configuration that CALC mode depends on.
/// SCALE-Sim words are one byte, so an SRAM of N kB holds 1024 N words.
struct scalesim_array {
    std::uint64_t rows = 8;             ///< ArrayHeight
    std::uint64_t cols = 8;             ///< ArrayWidth
    std::uint64_t ifmap_sram_kb = 64;   ///< IfmapSramSzkB
    std::uint64_t filter_sram_kb = 64;  ///< FilterSramSzkB
    std::uint64_t ofmap_sram_kb = 64;   ///< OfmapSramSzkB
};

/// First and last cycle of one trace and its access count (DETAILED_ACCESS_REPORT).
/// SCALE-Sim's DRAM read traces start before cycle 0 (the prefetch ahead of compute).
struct scalesim_access {
    std::int64_t start_cycle = 0;
    std::int64_t stop_cycle = 0;
    std::uint64_t count = 0;
    /// count / (stop - start + 1): SCALE-Sim's DRAM bandwidth (words per cycle).
    double span_bandwidth() const;
};

struct scalesim_layer_result {
    // Geometry, as SCALE-Sim derives it.
    std::uint64_t ofmap_h = 0;  ///< ceil((H - Fh + s) / s): rounds up where s does not divide
    std::uint64_t ofmap_w = 0;
    std::uint64_t ofmap_pixels = 0;     ///< T: rows streamed per fold
    std::uint64_t window = 0;           ///< Fh * Fw * C: rows of the filter operand
    std::uint64_t row_folds = 0;        ///< ceil(window / array rows)
    std::uint64_t col_folds = 0;        ///< ceil(filters / array cols)
    std::uint64_t cycles_per_fold = 0;  ///< 2 rows + cols + T - 2
    std::uint64_t macs = 0;             ///< T * window * filters (SCALE-Sim's num_compute)

    // COMPUTE_REPORT
    std::uint64_t total_cycles = 0;     ///< "Total Cycles"
    std::uint64_t stall_cycles = 0;     ///< "Stall Cycles": always 0 in CALC mode
    double overall_util_pct = 0;        ///< "Overall Util %"
    double mapping_efficiency_pct = 0;  ///< "Mapping Efficiency %"
    double compute_util_pct = 0;        ///< "Compute Util %"

    // DETAILED_ACCESS_REPORT, SRAM side (exact for every layer and array).
    scalesim_access ifmap_sram;   ///< count: IFMAP SRAM reads
    scalesim_access filter_sram;  ///< count: FILTER SRAM reads
    scalesim_access ofmap_sram;   ///< count: OFMAP SRAM writes

    // DETAILED_ACCESS_REPORT, DRAM side (start and stop cycle, accesses).
    /// IFMAP reads: in closed form where the distinct IFMAP words touched fit the active half
    /// of the IFMAP SRAM (SCALE-Sim then fetches each once, before compute); otherwise from
    /// the read buffer replayed address by address (empty when not asked for, or past 2^26
    /// IFMAP SRAM reads).
    std::optional<scalesim_access> ifmap_dram;
    /// FILTER reads: always known (no weight is read twice).
    std::optional<scalesim_access> filter_dram;
    std::uint64_t filter_dram_reads = 0;  ///< filter_dram->count
    /// OFMAP writes: in closed form when they fit half the OFMAP SRAM (one drain after the
    /// last write); otherwise from the write buffer replayed drain by drain (empty when not
    /// asked for, or past about a million drains replayed one by one).
    std::optional<scalesim_access> ofmap_dram;

    // BANDWIDTH_REPORT, SRAM side: accesses / total cycles.
    double ifmap_sram_bw() const;
    double filter_sram_bw() const;
    double ofmap_sram_bw() const;
};

/// A value as SCALE-Sim's reports print it (Python's `repr` of a float: the shortest text
/// that reads back to the same double, `.0` on whole numbers, exponent from 1e16 and below
/// 1e-4): "82.03125", "3.0", "-66.0". SCALE-Sim prints trace cycles and percentages so.
std::string scalesim_number(double value);

/// SCALE-Sim's output size along one axis: ceil((size - filter + stride) / stride).
std::uint64_t scalesim_ofmap_size(std::uint64_t size, std::uint64_t filter, std::uint64_t stride);

/// Whether to replay SCALE-Sim's buffers for the DRAM traces that have no closed form: the
/// OFMAP write buffer when the writes do not fit half its SRAM (a few drains per fold: well
/// under a second for any layer of SCALE-Sim's own topologies on an 8x8 array), and the IFMAP
/// read buffer when the touched IFMAP does not fit half its SRAM (one step per IFMAP SRAM
/// read, up to 2^26 of them: about 1 s for VGG16-CIFAR10 on 8x8). `skip` (the default: what
/// timing needs) keeps every layer in constant time and leaves those two traces empty;
/// SCALE-Sim report files want `replay`.
enum class scalesim_dram { replay, skip };

/// The whole timing of one layer. Throws satlm::config_error for a shape SCALE-Sim rejects
/// (a filter larger than the map, a zero size, stride or array dimension, an SRAM of 0 kB)
/// and for one whose counts would not fit 64 bits (over 2^62 multiply-accumulates).
scalesim_layer_result scalesim_ws_timing(const scalesim_layer& layer, const scalesim_array& array,
                                         scalesim_dram dram = scalesim_dram::skip);

namespace detail {
/// The OFMAP write buffer replayed one drain after the other, without jumping over repeated
/// states: the reference the fast replay is tested against.
std::optional<scalesim_access> scalesim_ofmap_dram_one_by_one(const scalesim_layer& layer,
                                                              const scalesim_array& array);
}  // namespace detail

}  // namespace satlm
