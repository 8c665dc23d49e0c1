#include "pe/ofifo_core.h"

#include <algorithm>
#include <stdexcept>

namespace satlm {

ofifo_core::ofifo_core(unsigned cols, unsigned depth) : m_cols(cols), m_depth(depth) {
    if (depth == 0) throw std::invalid_argument("ofifo_core: depth must be at least 1");
    m_slots.assign(std::size_t{cols} * depth, 0);
    m_rd.assign(cols, 0);
    m_wr.assign(cols, 0);
    m_size.assign(cols, 0);
}

void ofifo_core::clock_edge(const std::uint8_t* valid, const std::int32_t* value, bool any_valid) {
    const unsigned C = m_cols, D = m_depth;
    std::uint32_t* const rdp = m_rd.data();  // locals: byte loads/stores would force reloads
    std::uint32_t* const wrp = m_wr.data();
    std::uint32_t* const size = m_size.data();
    std::int32_t* const slots = m_slots.data();
    unsigned nonempty = m_nonempty;
    if (m_rd_en_q && nonempty) {
        for (unsigned c = 0; c < C; ++c)
            if (size[c] != 0) {  // an empty pop is a no-op
                rdp[c] = rdp[c] + 1 == D ? 0 : rdp[c] + 1;
                if (--size[c] == 0) --nonempty;
            }
    }
    if (any_valid) {
        std::uint32_t top = 0;
        for (unsigned c = 0; c < C; ++c)
            if (valid[c]) {
                if (size[c] == D) throw std::overflow_error("fifo_core: push to a full FIFO");
                slots[std::size_t{wrp[c]} * C + c] = value[c];
                wrp[c] = wrp[c] + 1 == D ? 0 : wrp[c] + 1;
                if (size[c]++ == 0) ++nonempty;
                top = std::max(top, size[c]);
            }
        m_high_water = std::max<std::size_t>(m_high_water, top);
    }
    m_nonempty = nonempty;
}

void ofifo_core::reset() {
    // Pointers only: the storage keeps its stale words, as in the RTL.
    std::fill(m_rd.begin(), m_rd.end(), 0);
    std::fill(m_wr.begin(), m_wr.end(), 0);
    std::fill(m_size.begin(), m_size.end(), 0);
    m_nonempty = 0;
    m_rd_en_q = false;
}

}  // namespace satlm
