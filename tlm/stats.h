#pragma once
/// Cycle and traffic counters shared by the schedules and both fidelity levels.

#include <cstdint>

namespace satlm {

/// Where every cycle went; the buckets add up to the total.
struct cycle_buckets {
    std::uint64_t load_data = 0;     ///< activation writes to xmem and xmem -> L0
    std::uint64_t load_weights = 0;  ///< weight writes, xmem -> L0, L0 -> PE load
    std::uint64_t execute = 0;       ///< L0 read + execute
    std::uint64_t drain = 0;         ///< array drain and OFIFO -> pmem
    std::uint64_t accumulate = 0;    ///< SFU accumulation and ReLU
    std::uint64_t stall = 0;         ///< bandwidth stalls and chunking overhead
    std::uint64_t idle = 0;          ///< resets, fixed gaps, tail
    std::uint64_t total() const { return load_data + load_weights + execute + drain + accumulate + stall + idle; }
    cycle_buckets& operator+=(const cycle_buckets& o);
};

struct sram_stats {
    std::uint64_t reads = 0;
    std::uint64_t writes = 0;
    unsigned word_bytes = 0;
    std::uint64_t peak_bytes_per_cycle = 0;  ///< max bytes moved in one cycle
    /// xmem reads split by operand, where the timing model separates them (schedule.kind =
    /// "scalesim": SCALE-Sim's IFMAP and FILTER SRAM reads); 0 otherwise.
    std::uint64_t act_reads = 0;
    std::uint64_t weight_reads = 0;
    std::uint64_t bytes() const { return (reads + writes) * word_bytes; }
};

inline cycle_buckets& cycle_buckets::operator+=(const cycle_buckets& o) {
    load_data += o.load_data;
    load_weights += o.load_weights;
    execute += o.execute;
    drain += o.drain;
    accumulate += o.accumulate;
    stall += o.stall;
    idle += o.idle;
    return *this;
}

}  // namespace satlm
