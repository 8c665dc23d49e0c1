#pragma once
/// The one entry point both fidelity levels implement: run a layer, return outputs + statistics.

#include "tlm/config.h"
#include "tlm/stats.h"
#include "tlm/tiling.h"
#include "vectors/layer.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
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

/// Runs the layer in SystemC on the configured model (cfg.arch.model) and schedule: elaborates
/// the top, calls sc_start, returns. SystemC elaborates once per process, so call it at most once
/// per process. `vcd_path`: when non-empty, the cycle model writes a waveform there.
/// Throws config_error on an impossible geometry (before elaboration).
run_result simulate(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path = "");

/// The same model code without the SystemC kernel: the cycle engine stepped directly (cycle),
/// or the per-pass functional compute with its analytic timing (lt). Same outputs and stats as
/// simulate(); callable any number of times per process (tests run hundreds of layers this way).
run_result simulate_engine(const accel_config& cfg, const layer_data& layer);

}  // namespace satlm
