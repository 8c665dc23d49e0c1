#pragma once
/// The memory ports of the structural top: the RTL macro's port side (registered address, read
/// latency pipeline, Q) in front of a memory model reached through a TLM-2.0 initiator socket
/// (sram/memory_model.h for the protocol).
///
/// `memory_port` is the shared part: every access the macro makes at an edge is one b_transport
/// of one word; the read data enters a pipeline of `read_latency` stages (address and word) whose
/// last stage is Q. Q follows later writes to its address, as the RTL's combinational Q of the
/// registered address does: a write updates every stage holding its address. An idle edge holds
/// the address register, as the macro does. The delay a model adds is summed per edge and turned
/// into stall cycles (ceil(delay / period)) on `wait_cycles`, which the controller honours.
///
/// `xmem_port` (activations and weights; D from the controller) and `pmem_port` (psums; the D
/// mux with online accumulation, the second-port read, Q unpacked into lanes for the SFU) are
/// the two blocks.

#include "accel/ports.h"
#include "sram/memory_model.h"
#include "tlm/config.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdint>
#include <vector>

namespace satlm {

class memory_port : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;
    sc_core::sc_in<instruction_word> inst;   ///< the controller's instruction word
    sc_core::sc_out<unsigned> wait_cycles;   ///< stall cycles the last edge's accesses cost
    tlm_utils::simple_initiator_socket<memory_port> mem;  ///< to the memory model

    /// `word_bytes`: bytes per word of the bound model (its memory_params::word_bytes).
    memory_port(const sc_core::sc_module_name& name, unsigned word_bytes, sc_core::sc_time period);

    /// Starts a layer: read latency, counters and probes cleared; the address register holds
    /// word 0 (read through debug transport when the model offers it).
    void start(unsigned read_latency);
    unsigned word_bytes() const { return m_word_bytes; }
    std::uint64_t reads() const { return m_reads; }
    std::uint64_t writes() const { return m_writes; }
    /// Most accesses one edge made since start().
    std::uint64_t peak_accesses() const { return m_peak; }
    /// Stall cycles the model's delays cost since start().
    std::uint64_t stall_cycles() const { return m_stall_total; }
    /// Backdoor read of `bytes` bytes at byte address `addr` (no access counted, no time):
    /// through DMI when the model grants it, else its transport_dbg; false when it serves neither.
    bool debug_read(std::uint64_t addr, std::uint8_t* data, unsigned bytes);

protected:
    /// Q: the word in the last pipeline stage.
    const std::uint8_t* q() const { return m_stage[m_latency - 1].data(); }
    /// Whether Q may have changed at the last edge.
    bool q_changed() const { return m_q_changed; }
    /// One edge's accesses (each also shifts the pipeline once, as the macro's edge does).
    void edge_read(unsigned addr);
    void edge_write(unsigned addr, const std::uint8_t* data);
    void edge_write_read(unsigned waddr, const std::uint8_t* data, unsigned raddr);
    void edge_idle(std::uint64_t n = 1);
    /// Publishes the edge's stall cycles and the peak; call once at the end of each process run.
    void finish_edge();

private:
    void shift();
    void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
    void transport(tlm::tlm_command cmd, unsigned addr, std::uint8_t* data);

    unsigned m_word_bytes;
    sc_core::sc_time m_period;
    unsigned m_latency = 1;
    std::vector<unsigned> m_addr;                 ///< per stage: the registered address
    std::vector<std::vector<std::uint8_t>> m_stage;  ///< per stage: the word read (kept current)
    tlm::tlm_generic_payload m_payload;
    sc_core::sc_time m_delay;
    std::uint64_t m_reads = 0, m_writes = 0, m_peak = 0, m_edge_accesses = 0, m_stall_total = 0;
    bool m_q_changed = true;
    tlm::tlm_dmi m_dmi;          ///< the model's DMI grant for reads (when m_dmi_valid)
    bool m_dmi_valid = false, m_dmi_asked = false;
};

/// xmem's port: reads for the L0, writes of the words the controller fetched from off-chip (D).
class xmem_port : public memory_port {
public:
    sc_core::sc_in<byte_lanes> d;    ///< D_xmem: the word a write stores (from the controller)
    sc_core::sc_out<byte_lanes> q;   ///< Q_xmem: to the L0

    SC_HAS_PROCESS(xmem_port);
    xmem_port(const sc_core::sc_module_name& name, unsigned word_bytes, sc_core::sc_time period);
    void trace(sc_core::sc_trace_file* tf) const;

private:
    void clock_edge();
};

/// pmem's port: the D mux (OFIFO head, SFU sum, or head + Q for online accumulation), the
/// macro's single port plus the second-port read of the overlapped drain, and Q unpacked into
/// signed psum lanes for the SFU.
class pmem_port : public memory_port {
public:
    sc_core::sc_in<ofifo_bus> ofifo_in;   ///< the OFIFO heads
    sc_core::sc_in<psum_lanes> sfu_in;    ///< the SFU output register's sums
    sc_core::sc_out<psum_lanes> q;        ///< Q_pmem as psum lanes, to the SFU

    SC_HAS_PROCESS(pmem_port);
    pmem_port(const sc_core::sc_module_name& name, unsigned cols, unsigned word_bytes, sc_core::sc_time period);
    /// Starts a layer of `psum_bits` psums with the macro's keys (second port or bank).
    void start(const sram_keys& keys, unsigned psum_bits);
    void trace(sc_core::sc_trace_file* tf) const;
    /// Probe: log every plain read's address (what the SFU read; the acc-address check).
    void log_reads(bool on) { m_log_reads = on; }
    const std::vector<std::uint32_t>& read_log() const { return m_read_log; }
    /// The psum in lane c of a packed word.
    std::int32_t lane(const std::uint8_t* word, unsigned c) const;

private:
    void clock_edge();
    void pack_d(const instruction& in);

    unsigned m_cols, m_psum_bits = 16;
    sram_keys m_keys;
    std::vector<std::uint8_t> m_d;
    psum_lanes m_q;
    bool m_log_reads = false;
    std::vector<std::uint32_t> m_read_log;
};

}  // namespace satlm
