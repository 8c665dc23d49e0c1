#pragma once
/// SCALE-Sim v2 weight-stationary timing in its CALC bandwidth mode, in closed form.
///
/// SCALE-Sim builds per-fold demand matrices (one row per cycle) and streams them through a
/// double-buffered scratchpad; this computes the numbers of its three reports from the layer
/// and array shape alone, in constant time per layer (no per-cycle work), so it is usable on
/// layers far too large for SCALE-Sim itself. docs/blocks/scalesim_timing.md explains every
/// formula and the SCALE-Sim conventions it keeps.

#include <cstdint>
#include <optional>

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
    std::uint64_t rows = 8;            ///< ArrayHeight
    std::uint64_t cols = 8;            ///< ArrayWidth
    std::uint64_t ifmap_sram_kb = 64;  ///< IfmapSramSzkB
    std::uint64_t filter_sram_kb = 64; ///< FilterSramSzkB
    std::uint64_t ofmap_sram_kb = 64;  ///< OfmapSramSzkB
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
    std::uint64_t ofmap_h = 0;         ///< ceil((H - Fh + s) / s): rounds up where s does not divide
    std::uint64_t ofmap_w = 0;
    std::uint64_t ofmap_pixels = 0;    ///< T: rows streamed per fold
    std::uint64_t window = 0;          ///< Fh * Fw * C: rows of the filter operand
    std::uint64_t row_folds = 0;       ///< ceil(window / array rows)
    std::uint64_t col_folds = 0;       ///< ceil(filters / array cols)
    std::uint64_t cycles_per_fold = 0; ///< 2 rows + cols + T - 2
    std::uint64_t macs = 0;            ///< T * window * filters (SCALE-Sim's num_compute)

    // COMPUTE_REPORT
    std::uint64_t total_cycles = 0;    ///< "Total Cycles"
    std::uint64_t stall_cycles = 0;    ///< "Stall Cycles": always 0 in CALC mode
    double overall_util_pct = 0;       ///< "Overall Util %"
    double mapping_efficiency_pct = 0; ///< "Mapping Efficiency %"
    double compute_util_pct = 0;       ///< "Compute Util %"

    // DETAILED_ACCESS_REPORT, SRAM side (exact for every layer and array).
    scalesim_access ifmap_sram;        ///< count: IFMAP SRAM reads
    scalesim_access filter_sram;       ///< count: FILTER SRAM reads
    scalesim_access ofmap_sram;        ///< count: OFMAP SRAM writes

    // DETAILED_ACCESS_REPORT, DRAM side. Exact where SCALE-Sim's set-based prefetch buffer
    // never rotates (the operand's distinct words fit half the SRAM) and, for the filter
    // reads count, always (no filter word is read twice). Empty where the answer depends on
    // SCALE-Sim replaying every address through its buffer.
    std::optional<scalesim_access> ifmap_dram;
    std::optional<scalesim_access> filter_dram;
    std::uint64_t filter_dram_reads = 0;
    std::optional<scalesim_access> ofmap_dram;

    // BANDWIDTH_REPORT, SRAM side: accesses / total cycles.
    double ifmap_sram_bw() const;
    double filter_sram_bw() const;
    double ofmap_sram_bw() const;
};

/// SCALE-Sim's output size along one axis: ceil((size - filter + stride) / stride).
std::uint64_t scalesim_ofmap_size(std::uint64_t size, std::uint64_t filter, std::uint64_t stride);

/// The whole timing of one layer. Throws satlm::config_error for a shape SCALE-Sim rejects
/// (a filter larger than the map, a zero size, stride or array dimension, an SRAM of 0 kB).
scalesim_layer_result scalesim_ws_timing(const scalesim_layer& layer, const scalesim_array& array);

}  // namespace satlm
