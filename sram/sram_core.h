#pragma once
/// One SRAM macro in plain C++ (xmem, pmem): `words` x `width_bits`, byte storage.
///
/// Read timing as in the RTL's sram_*_w2048: a read registers its address, and Q is
/// combinational of the registered address (so Q follows later writes to it). With a read
/// latency L > 1 the address passes through L registers. One clock per `clock()` call.
///
/// \code
///   satlm::sram_core m(2048, 32, 1);
///   m.clock_write(5, bytes);   // mem[5] <= bytes at this edge
///   m.clock_read(5);           // address registered at this edge
///   const std::uint8_t* q = m.q();  // mem[5], usable at the next edge
/// \endcode

#include <cstdint>
#include <vector>

namespace satlm {

class sram_core {
public:
    /// Throws config_error when the geometry is empty or the latency is 0.
    sram_core(unsigned words, unsigned width_bits, unsigned read_latency);

    unsigned words() const { return m_words; }
    unsigned width_bits() const { return m_width_bits; }
    unsigned word_bytes() const { return m_word_bytes; }
    unsigned read_latency() const { return m_latency; }

    /// One posedge with a read of `addr` (CEN low, WEN high). Throws std::out_of_range.
    void clock_read(unsigned addr) {
        if (addr >= m_words) throw_out_of_range("read", addr);
        shift(addr, true);
        ++m_reads;
    }
    /// One posedge with a write of the packed word `data` (word_bytes() bytes). With data ==
    /// nullptr the word already arrived through the bank's TLM port (sram_bank) this cycle: the
    /// edge only counts the write.
    void clock_write(unsigned addr, const std::uint8_t* data) {
        if (addr >= m_words) throw_out_of_range("write", addr);
        shift(0, false);
        if (data) copy_word(addr, data);  // else it came through the TLM port
        ++m_writes;
    }
    /// One posedge with a write and a read of another port or bank (the caller checks that the
    /// macro has them): mem[waddr] <= data and raddr registered.
    void clock_write_read(unsigned waddr, const std::uint8_t* data, unsigned raddr);
    /// One posedge without an access (the address pipeline still advances).
    void clock_idle() {
        if (m_latency > 1) shift(0, false);
    }
    /// n posedges without an access (same as n clock_idle()).
    void idle(std::uint64_t n) {
        for (std::uint64_t i = 0; i + 1 < m_latency && i < n; ++i) shift(0, false);  // then it is settled
    }

    /// Q: the word under the last registered read address (combinational).
    const std::uint8_t* q() const { return word(m_pipe[m_latency - 1]); }
    /// Direct storage access (debug/backdoor, TLM transport_dbg).
    const std::uint8_t* word(unsigned addr) const { return &m_mem[std::size_t{addr} * m_word_bytes]; }
    std::uint8_t* word(unsigned addr) { return &m_mem[std::size_t{addr} * m_word_bytes]; }
    std::uint8_t* data() { return m_mem.data(); }
    std::size_t size_bytes() const { return m_mem.size(); }

    std::uint64_t reads() const { return m_reads; }
    std::uint64_t writes() const { return m_writes; }

    /// Lane `i` of a packed word (lanes of `bits` bits, lane 0 at the LSBs), unsigned.
    static std::uint64_t get_lane(const std::uint8_t* w, unsigned i, unsigned bits);
    static void set_lane(std::uint8_t* w, unsigned i, unsigned bits, std::uint64_t v);

private:
    // Inline: the cycle engine clocks both macros every edge.
    void shift(unsigned addr, bool read) {
        if (m_latency == 1) {  // the RTL's macros: one address register
            if (read) m_pipe[0] = addr;
            return;
        }
        for (unsigned i = m_latency - 1; i > 0; --i) m_pipe[i] = m_pipe[i - 1];
        if (read) m_pipe[0] = addr;
    }
    void copy_word(unsigned addr, const std::uint8_t* data);
    [[noreturn]] void throw_out_of_range(const char* what, unsigned addr) const;

    unsigned m_words, m_width_bits, m_word_bytes, m_latency;
    std::vector<std::uint8_t> m_mem;
    std::vector<unsigned> m_pipe;  // registered read addresses, [L-1] drives Q
    std::uint64_t m_reads = 0, m_writes = 0;
};

}  // namespace satlm
