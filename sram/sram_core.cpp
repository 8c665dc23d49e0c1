#include "sram/sram_core.h"

#include "tlm/report.h"

#include <fmt/format.h>

#include <cstring>
#include <stdexcept>

namespace satlm {

sram_core::sram_core(unsigned words, unsigned width_bits, unsigned read_latency)
    : m_words(words), m_width_bits(width_bits), m_word_bytes((width_bits + 7) / 8), m_latency(read_latency) {
    if (words == 0 || width_bits == 0)
        throw config_error(fmt::format("sram: words ({}) and width_bits ({}) must be at least 1", words, width_bits));
    if (read_latency == 0) throw config_error("sram: read_latency must be at least 1");
    m_mem.assign(std::size_t{words} * m_word_bytes, 0);
    m_pipe.assign(read_latency, 0);
}

void sram_core::copy_word(unsigned addr, const std::uint8_t* data) { std::memcpy(word(addr), data, m_word_bytes); }

void sram_core::throw_out_of_range(const char* what, unsigned addr) const {
    throw std::out_of_range(fmt::format("sram: {} address {} >= {} words", what, addr, m_words));
}

void sram_core::clock_write_read(unsigned waddr, const std::uint8_t* data, unsigned raddr) {
    if (waddr >= m_words || raddr >= m_words)
        throw std::out_of_range(fmt::format("sram: address {} or {} >= {} words", waddr, raddr, m_words));
    shift(raddr, true);
    if (data) std::memcpy(word(waddr), data, m_word_bytes);
    ++m_reads;
    ++m_writes;
}

std::uint64_t sram_core::get_lane(const std::uint8_t* w, unsigned i, unsigned bits) {
    std::uint64_t v = 0;
    const unsigned bit0 = i * bits;
    if ((bits & 7u) == 0 && bits <= 64) {  // whole bytes (16-bit psums): little-endian bytes
        const unsigned b0 = bit0 >> 3;
        for (unsigned b = 0; b < bits / 8; ++b) v |= std::uint64_t{w[b0 + b]} << (8 * b);
        return v;
    }
    if (bits == 4) return (w[bit0 >> 3] >> (bit0 & 4u)) & 0xFu;
    for (unsigned b = 0; b < bits; ++b) {
        const unsigned bit = bit0 + b;
        v |= std::uint64_t{(w[bit >> 3] >> (bit & 7)) & 1u} << b;
    }
    return v;
}

void sram_core::set_lane(std::uint8_t* w, unsigned i, unsigned bits, std::uint64_t v) {
    const unsigned bit0 = i * bits;
    if ((bits & 7u) == 0 && bits <= 64) {  // whole bytes: little-endian bytes
        const unsigned b0 = bit0 >> 3;
        for (unsigned b = 0; b < bits / 8; ++b) w[b0 + b] = static_cast<std::uint8_t>(v >> (8 * b));
        return;
    }
    if (bits == 4) {  // xmem lanes
        const unsigned sh = bit0 & 4u;
        std::uint8_t& byte = w[bit0 >> 3];
        byte = static_cast<std::uint8_t>((byte & ~(0xFu << sh)) | ((v & 0xFu) << sh));
        return;
    }
    for (unsigned b = 0; b < bits; ++b) {
        const unsigned bit = bit0 + b;
        const std::uint8_t m = static_cast<std::uint8_t>(1u << (bit & 7));
        if ((v >> b) & 1u) w[bit >> 3] |= m;
        else w[bit >> 3] = static_cast<std::uint8_t>(w[bit >> 3] & ~m);
    }
}

}  // namespace satlm
