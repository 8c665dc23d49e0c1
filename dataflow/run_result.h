#pragma once
/// What a layer run returns, whatever the dataflow, fidelity or top: outputs and statistics.

#include "dataflow/tiling_plan.h"
#include "tlm/config.h"
#include "tlm/layer.h"
#include "tlm/stats.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace satlm {

struct run_stats {
    cycle_buckets cycles;
    std::uint64_t macs = 0;                ///< useful MACs of the layer
    sram_stats xmem, pmem;
    std::uint64_t l0_high_water = 0;
    std::uint64_t ofifo_high_water = 0;
    std::optional<std::uint64_t> first_psum_col0;      ///< cycles from PE(0,0)'s first execute
    std::optional<std::uint64_t> first_psum_last_col;  ///< ... to column C-1's first OFIFO write
    std::uint64_t passes = 0;              ///< kernel-position passes run
    std::uint64_t chunks = 0;              ///< activation chunks streamed
    double simulated_seconds = 0;          ///< simulated time (cycles x clock period)
    double pe_utilization(unsigned rows, unsigned cols) const {
        const auto t = cycles.total();
        return t ? double(macs) / (double(rows) * cols * double(t)) : 0.0;
    }
};

struct run_result {
    layer_output output;  ///< after ReLU, [onij][oc]
    layer_output sums;    ///< the same pixels before ReLU (the SFU accumulators); optional: empty if not kept
    run_stats stats;
    tiling_plan plan;
    /// What the cycle model left in and read from pmem, for the psum and acc-address checks:
    /// filled for reference-schedule runs of one tile group and one band (the files' layout),
    /// empty otherwise (the checks then use the array's pass function and the address rule).
    std::vector<std::int64_t> pmem_psums;  ///< [kij][nij][col]: psum(kij, nij) at pmem[kij x N + nij]
    std::vector<std::uint32_t> acc_reads;  ///< pmem addresses the SFU read, pixel-major then kij
};

}  // namespace satlm
