#pragma once
/// Cycle and traffic counters shared by the schedules and both fidelity levels.

#include <array>
#include <cstdint>
#include <utility>

namespace satlm {

/// Why the schedule waited: cycles lost waiting for a resource, one counter per cause the model
/// has (docs/timing.md, "Buckets"). They add up to cycle_buckets::stall.
struct stall_causes {
    std::uint64_t offchip_bandwidth = 0;  ///< off-chip -> xmem writes slower than one word per cycle
    std::uint64_t offchip_latency = 0;    ///< waiting for the first word of an off-chip burst
    std::uint64_t l0_full = 0;            ///< L0 row R-1 still holds weights: activations wait for room
    std::uint64_t ofifo_full = 0;         ///< a job waits until the OFIFO has room for its psums
    std::uint64_t pmem_port = 0;          ///< the drain waits: the pmem port is taken that cycle
    std::uint64_t pmem_bank = 0;          ///< the drain waits: two accesses hit the same pmem bank
    /// Structural top only (model.top = "structural"): the accelerator held while the xmem / pmem
    /// memory model's annotated delay ran out (ceil(delay / period) per access edge); 0 elsewhere.
    std::uint64_t xmem_wait = 0;
    std::uint64_t pmem_wait = 0;
    std::uint64_t total() const {
        return offchip_bandwidth + offchip_latency + l0_full + ofifo_full + pmem_port + pmem_bank + xmem_wait +
               pmem_wait;
    }
    stall_causes& operator+=(const stall_causes& o) {
        offchip_bandwidth += o.offchip_bandwidth;
        offchip_latency += o.offchip_latency;
        l0_full += o.l0_full;
        ofifo_full += o.ofifo_full;
        pmem_port += o.pmem_port;
        pmem_bank += o.pmem_bank;
        xmem_wait += o.xmem_wait;
        pmem_wait += o.pmem_wait;
        return *this;
    }
};

/// The causes by their report names (`cycles.stall_causes.<name>`), in report order.
inline std::array<std::pair<const char*, std::uint64_t>, 8> stall_cause_rows(const stall_causes& s) {
    return {{{"offchip_bandwidth", s.offchip_bandwidth},
             {"offchip_latency", s.offchip_latency},
             {"l0_full", s.l0_full},
             {"ofifo_full", s.ofifo_full},
             {"pmem_port", s.pmem_port},
             {"pmem_bank", s.pmem_bank},
             {"xmem_wait", s.xmem_wait},
             {"pmem_wait", s.pmem_wait}}};
}

/// Where every cycle went; the buckets add up to the total.
struct cycle_buckets {
    std::uint64_t load_data = 0;     ///< activation writes to xmem and xmem -> L0
    std::uint64_t load_weights = 0;  ///< weight writes, xmem -> L0, L0 -> PE load
    std::uint64_t execute = 0;       ///< L0 read + execute
    std::uint64_t drain = 0;         ///< array drain and OFIFO -> pmem
    std::uint64_t accumulate = 0;    ///< SFU accumulation and ReLU
    std::uint64_t stall = 0;         ///< waiting for a resource: the sum of stall_causes
    std::uint64_t refill = 0;        ///< set-up repeated by chunks after the first and bands after the first
    std::uint64_t idle = 0;          ///< resets, fixed gaps, tail
    satlm::stall_causes stall_causes;
    std::uint64_t total() const {
        return load_data + load_weights + execute + drain + accumulate + stall + refill + idle;
    }
    /// Adds `n` stall cycles of one cause (keeps stall == stall_causes.total()).
    void add_stall(std::uint64_t satlm::stall_causes::*cause, std::uint64_t n) {
        stall += n;
        stall_causes.*cause += n;
    }
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
    refill += o.refill;
    idle += o.idle;
    stall_causes += o.stall_causes;
    return *this;
}

}  // namespace satlm
