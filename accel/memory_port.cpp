#include "accel/memory_port.h"

#include "sram/sram_core.h"
#include "tlm/bits.h"
#include "tlm/report.h"

#include <algorithm>
#include <cstring>

namespace satlm {

memory_port::memory_port(const sc_core::sc_module_name& name, unsigned word_bytes, sc_core::sc_time period)
    : sc_core::sc_module(name)
    , clk("clk")
    , inst("inst")
    , wait_cycles("wait_cycles")
    , mem("mem")
    , m_word_bytes(word_bytes)
    , m_period(period) {
    m_payload.set_data_length(m_word_bytes);
    m_payload.set_streaming_width(m_word_bytes);
    m_payload.set_byte_enable_ptr(nullptr);
    mem.register_invalidate_direct_mem_ptr(this, &memory_port::invalidate_dmi);
    start(1);
}

void memory_port::invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end) {
    if (m_dmi_valid && start <= m_dmi.get_end_address() && end >= m_dmi.get_start_address()) m_dmi_valid = false;
    m_dmi_asked = false;
}

void memory_port::start(unsigned read_latency) {
    m_latency = std::max(1u, read_latency);
    m_addr.assign(m_latency, 0);
    m_stage.assign(m_latency, std::vector<std::uint8_t>(m_word_bytes, 0));
    if (mem.size() && debug_read(0, m_stage[0].data(), m_word_bytes))
        for (unsigned s = 1; s < m_latency; ++s) m_stage[s] = m_stage[0];
    m_reads = m_writes = m_peak = m_edge_accesses = m_stall_total = 0;
    m_delay = sc_core::SC_ZERO_TIME;
    m_q_changed = true;
}

bool memory_port::debug_read(std::uint64_t addr, std::uint8_t* data, unsigned bytes) {
    if (!m_dmi_asked) {  // once per grant: DMI is the cheap backdoor where the model offers it
        m_dmi_asked = true;
        tlm::tlm_generic_payload q;
        q.set_command(tlm::TLM_READ_COMMAND);
        q.set_address(0);
        m_dmi.init();
        m_dmi_valid = mem->get_direct_mem_ptr(q, m_dmi) && m_dmi.is_read_allowed();
    }
    if (m_dmi_valid && addr >= m_dmi.get_start_address() && addr + bytes - 1 <= m_dmi.get_end_address()) {
        std::memcpy(data, m_dmi.get_dmi_ptr() + (addr - m_dmi.get_start_address()), bytes);
        return true;
    }
    tlm::tlm_generic_payload p;
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(bytes);
    p.set_streaming_width(bytes);
    return mem->transport_dbg(p) == bytes;
}

void memory_port::transport(tlm::tlm_command cmd, unsigned addr, std::uint8_t* data) {
    m_payload.set_command(cmd);
    m_payload.set_address(std::uint64_t{addr} * m_word_bytes);
    m_payload.set_data_ptr(data);
    m_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    mem->b_transport(m_payload, m_delay);
    SATLM_ASSERT("satlm/memory_port", m_payload.is_response_ok(), "{}: {} of word {} failed: {}", name(),
                 cmd == tlm::TLM_READ_COMMAND ? "read" : "write", addr, m_payload.get_response_string());
    ++m_edge_accesses;
}

void memory_port::shift() {
    // Stage s takes stage s - 1; stage 0 (the address register) holds until a read loads it.
    for (unsigned s = m_latency - 1; s > 0; --s) {
        m_addr[s] = m_addr[s - 1];
        m_stage[s] = m_stage[s - 1];
    }
    if (m_latency > 1) m_q_changed = true;
}

void memory_port::edge_read(unsigned addr) {
    shift();
    m_addr[0] = addr;
    transport(tlm::TLM_READ_COMMAND, addr, m_stage[0].data());
    ++m_reads;
    m_q_changed = true;
}

void memory_port::edge_write(unsigned addr, const std::uint8_t* data) {
    shift();
    transport(tlm::TLM_WRITE_COMMAND, addr, const_cast<std::uint8_t*>(data));
    ++m_writes;
    for (unsigned s = 0; s < m_latency; ++s)
        if (m_addr[s] == addr) {  // Q of a registered address follows the write
            std::memcpy(m_stage[s].data(), data, m_word_bytes);
            m_q_changed = true;
        }
}

void memory_port::edge_write_read(unsigned waddr, const std::uint8_t* data, unsigned raddr) {
    transport(tlm::TLM_WRITE_COMMAND, waddr, const_cast<std::uint8_t*>(data));
    ++m_writes;
    for (unsigned s = 0; s < m_latency; ++s)
        if (m_addr[s] == waddr) std::memcpy(m_stage[s].data(), data, m_word_bytes);
    edge_read(raddr);  // after the write: a read of the written word sees it
}

void memory_port::edge_idle(std::uint64_t n) {
    for (std::uint64_t i = 0; i + 1 < m_latency && i < n; ++i) shift();  // then every stage holds stage 0
}

void memory_port::finish_edge() {
    m_peak = std::max(m_peak, m_edge_accesses);
    m_edge_accesses = 0;
    m_q_changed = false;
    unsigned stall = 0;
    if (m_delay > sc_core::SC_ZERO_TIME) {
        stall = static_cast<unsigned>(ceil_div(m_delay.value(), m_period.value()));
        m_stall_total += stall;
        m_delay = sc_core::SC_ZERO_TIME;
    }
    wait_cycles.write(stall);
}

// ---------------------------------------------------------------------------------------------

xmem_port::xmem_port(const sc_core::sc_module_name& name, unsigned word_bytes, sc_core::sc_time period)
    : memory_port(name, word_bytes, period), d("d"), q("q") {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void xmem_port::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    if (I.reset || w.repeat > 1) edge_idle(w.repeat);
    else if (I.xmem_en && I.xmem_wr) edge_write(I.xmem_addr, d.read().lanes.data());
    else if (I.xmem_en) edge_read(I.xmem_addr);
    else edge_idle();
    if (q_changed()) {
        byte_lanes out(word_bytes());
        std::memcpy(out.lanes.data(), memory_port::q(), word_bytes());
        q.write(out);
    }
    finish_edge();
}

void xmem_port::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, d, d.name());
    sc_core::sc_trace(tf, q, q.name());
    sc_core::sc_trace(tf, wait_cycles, wait_cycles.name());
}

// ---------------------------------------------------------------------------------------------

pmem_port::pmem_port(const sc_core::sc_module_name& name, unsigned cols, unsigned word_bytes,
                     sc_core::sc_time period)
    : memory_port(name, word_bytes, period), ofifo_in("ofifo_in"), sfu_in("sfu_in"), q("q"), m_cols(cols)
    , m_d(word_bytes, 0), m_q(cols) {
    SC_METHOD(clock_edge);
    sensitive << clk.pos();
    dont_initialize();
}

void pmem_port::start(const sram_keys& keys, unsigned psum_bits) {
    memory_port::start(keys.read_latency);
    m_keys = keys;
    m_psum_bits = psum_bits;
    m_read_log.clear();
    std::fill(m_d.begin(), m_d.end(), 0);
}

std::int32_t pmem_port::lane(const std::uint8_t* word, unsigned c) const {
    if (m_psum_bits == 16) {  // the common case: two bytes per lane, little-endian packing
        const auto u = static_cast<std::uint16_t>(word[2 * c] | (word[2 * c + 1] << 8));
        return static_cast<std::int16_t>(u);
    }
    return static_cast<std::int32_t>(sign_extend(sram_core::get_lane(word, c, m_psum_bits), m_psum_bits));
}

void pmem_port::pack_d(const instruction& I) {
    // pmem D: the OFIFO head, the SFU output, or (online accumulation) head + Q, lane-wise.
    const ofifo_bus& of = ofifo_in.read();
    const psum_lanes& sfu = sfu_in.read();
    for (unsigned c = 0; c < m_cols; ++c) {
        std::int64_t v = 0;
        switch (I.pmem_src) {
        case pmem_source::ofifo: v = of.head[c]; break;
        case pmem_source::sfu: v = sfu.lanes[c]; break;
        case pmem_source::ofifo_plus_q: v = std::int64_t{of.head[c]} + m_q.lanes[c]; break;
        }
        if (m_psum_bits == 16) {
            m_d[2 * c] = static_cast<std::uint8_t>(v);
            m_d[2 * c + 1] = static_cast<std::uint8_t>(v >> 8);
        } else {
            sram_core::set_lane(m_d.data(), c, m_psum_bits, to_field(v, m_psum_bits));
        }
    }
}

void pmem_port::clock_edge() {
    const instruction_word& w = inst.read();
    const instruction& I = w.in;
    if (I.reset || w.repeat > 1) edge_idle(w.repeat);
    else if (I.pmem_en && I.pmem_wr) {
        pack_d(I);
        if (I.pmem_rd2) {
            SATLM_ASSERT("satlm/pmem_port", m_keys.two_fit(I.pmem_addr, I.pmem_rd2_addr),
                         "pmem write {} and read {} in one cycle need a second port or bank", I.pmem_addr,
                         I.pmem_rd2_addr);
            edge_write_read(I.pmem_addr, m_d.data(), I.pmem_rd2_addr);
        } else {
            edge_write(I.pmem_addr, m_d.data());
        }
    } else if (I.pmem_en) {
        edge_read(I.pmem_addr);
        if (m_log_reads) m_read_log.push_back(I.pmem_addr);
    } else {
        edge_idle();
    }
    if (q_changed()) {
        const std::uint8_t* word = memory_port::q();
        for (unsigned c = 0; c < m_cols; ++c) m_q.lanes[c] = lane(word, c);
        q.write(m_q);
    }
    finish_edge();
}

void pmem_port::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, q, q.name());
    sc_core::sc_trace(tf, wait_cycles, wait_cycles.name());
}

}  // namespace satlm
