#pragma once
/// The accelerator core as the RTL composes it (xmem -> L0 -> PE array -> OFIFO -> pmem -> SFU),
/// in plain C++, advanced one clock per step(). No kernel: the SystemC top and the tests both
/// drive it.
///
/// step(i) is one posedge: the core acts on the instruction registered at the previous step
/// (inst_q), then registers `i`. Edge numbers start at 0 with the first step.

#include "pe/l0_fifo_core.h"
#include "pe/ofifo_core.h"
#include "pe/pe_array_core.h"
#include "pe/sfu_core.h"
#include "sram/sram_core.h"
#include "pe/instruction.h"
#include "tlm/config.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace satlm {

class accel_core {
public:
    explicit accel_core(const accel_config& cfg);

    /// Off-chip -> xmem writes: when set, the word of every xmem write goes through `f` (the
    /// SystemC top sends it as a TLM write to the xmem bank) and the SRAM edge only counts it.
    void set_offchip_writer(std::function<void(unsigned addr, const std::uint8_t* data)> f) {
        m_offchip_writer = std::move(f);
    }

    /// Probe: when on, every pmem read address is logged (what the SFU really read), for the
    /// acc-address check. Off by default (costs nothing then).
    void log_pmem_reads(bool on) { m_log_pmem_reads = on; }
    const std::vector<std::uint32_t>& pmem_read_log() const { return m_pmem_read_log; }

    /// One posedge with `next` as the instruction the testbench drives this cycle.
    void step(const instruction& next);
    /// n posedges with `next` driven in each: exactly n step(next) calls, but once the core
    /// reaches a state those edges cannot change (held reset; blank instructions with nothing
    /// in flight), the remaining edges are counted in O(1).
    void step_n(const instruction& next, std::uint64_t n);
    /// Edges stepped so far (= the next edge's number).
    std::uint64_t cycle() const { return m_cycle; }

    sram_core& xmem() { return m_xmem; }
    sram_core& pmem() { return m_pmem; }
    const sram_core& xmem() const { return m_xmem; }
    const sram_core& pmem() const { return m_pmem; }
    const l0_fifo_core& l0() const { return m_l0; }
    pe_array_core& array() { return m_array; }
    const pe_array_core& array() const { return m_array; }
    const ofifo_core& ofifo() const { return m_ofifo; }
    const sfu_core& sfu() const { return m_sfu; }
    const instruction& inst_q() const { return m_inst_q; }

    /// pmem lane c of a packed word, sign-extended psum.
    std::int32_t pmem_lane(const std::uint8_t* word, unsigned c) const {
        if (m_psum_bits == 16) {  // the common case: two bytes per lane, little-endian packing
            const auto u = static_cast<std::uint16_t>(word[2 * c] | (word[2 * c + 1] << 8));
            return static_cast<std::int16_t>(u);
        }
        return pmem_lane_bits(word, c);
    }

    /// Measured events (-1 until seen): the first edge PE(0,0) executes, and the first OFIFO
    /// push edge of each column.
    std::int64_t first_execute_pe00() const { return m_first_exec; }
    std::int64_t first_push(unsigned c) const { return m_first_push[c]; }
    /// Edges at which the core acted on an OFIFO pop with o_valid low (never, in a sound schedule).
    std::uint64_t empty_pops() const { return m_empty_pops; }
    /// Most accesses (reads + writes) one edge made to xmem / pmem so far, measured on the
    /// macros' counters (the run's peak SRAM traffic per cycle, in words).
    std::uint64_t xmem_peak_accesses() const { return m_xmem_peak; }
    std::uint64_t pmem_peak_accesses() const { return m_pmem_peak; }

private:
    std::int32_t pmem_lane_bits(const std::uint8_t* word, unsigned c) const;
    void unpack_q();
    void fill_pmem_d(const instruction& I);
    void act_reset();
    template <bool Streaming>
    void act(const instruction& I);

    unsigned m_cols, m_psum_bits;
    sram_keys m_pmem_keys;  ///< banks and ports: which two accesses may share a cycle
    std::function<void(unsigned, const std::uint8_t*)> m_offchip_writer;
    sram_core m_xmem, m_pmem;
    l0_fifo_core m_l0;
    pe_array_core m_array;
    ofifo_core m_ofifo;
    sfu_core m_sfu;
    instruction m_inst_q;
    std::uint64_t m_cycle = 0;
    std::vector<std::int32_t> m_q;
    std::vector<std::uint8_t> m_pmem_d;
    std::vector<std::int64_t> m_lanes;  // the lanes of a pmem write before packing
    std::vector<std::int32_t> m_heads;  // the OFIFO heads of a pmem write
    std::int64_t m_first_exec = -1;
    std::vector<std::int64_t> m_first_push;
    unsigned m_cols_pushed = 0;
    bool m_pop_pending = false;
    std::uint64_t m_empty_pops = 0;
    std::uint64_t m_xmem_peak = 0, m_pmem_peak = 0;
    bool m_log_pmem_reads = false;
    std::vector<std::uint32_t> m_pmem_read_log;
};

}  // namespace satlm
