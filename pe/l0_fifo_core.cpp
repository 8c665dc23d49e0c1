#include "pe/l0_fifo_core.h"

#include <algorithm>
#include <stdexcept>

namespace satlm {

l0_fifo_core::l0_fifo_core(unsigned rows, unsigned depth) : m_rows(rows), m_depth(depth) {
    if (depth == 0) throw std::invalid_argument("fifo_core: depth must be at least 1");
    m_slots.assign(std::size_t{rows} * depth, 0);
    m_rd.assign(rows, 0);
    m_size.assign(rows, 0);
    std::size_t n = 1;
    while (n < std::size_t{rows} + 1) n <<= 1;
    m_hist.assign(n, 0);
    m_hist_mask = n - 1;
}

void l0_fifo_core::clock(bool wr, const std::uint8_t* word, bool rd) {
    const unsigned R = m_rows;
    // Skewed pops: row r pops at this edge when l0_rd was sampled r + 1 edges ago.
    if (m_last_rd && m_edge - (m_last_rd - 1) <= R) {
        const std::uint8_t* hist = m_hist.data();
        const std::uint64_t e1 = m_edge - 1;
        for (unsigned r = 0; r < R; ++r)
            if (hist[(e1 - r) & m_hist_mask] && m_size[r] != 0) {  // an empty pop is a no-op
                m_rd[r] = m_rd[r] + 1 == m_depth ? 0 : m_rd[r] + 1;
                --m_size[r];
            }
    }
    if (wr) {
        std::uint32_t top = 0;
        for (unsigned r = 0; r < R; ++r) top = std::max(top, m_size[r]);
        if (top == m_depth) throw std::overflow_error("fifo_core: push to a full FIFO");
        std::uint8_t* slot = &m_slots[std::size_t{m_wr} * R];
        for (unsigned r = 0; r < R; ++r) slot[r] = static_cast<std::uint8_t>((word[r >> 1] >> ((r & 1u) * 4)) & 0xFu);
        for (unsigned r = 0; r < R; ++r) ++m_size[r];
        m_high_water = std::max<std::size_t>(m_high_water, top + 1);
        m_wr = m_wr + 1 == m_depth ? 0 : m_wr + 1;
    }
    m_hist[m_edge & m_hist_mask] = rd ? 1 : 0;
    if (rd) m_last_rd = m_edge + 1;
    ++m_edge;
}

void l0_fifo_core::reset() {
    // Pointers only: the storage keeps its stale words, as in the RTL.
    std::fill(m_rd.begin(), m_rd.end(), 0);
    std::fill(m_size.begin(), m_size.end(), 0);
    m_wr = 0;
    std::fill(m_hist.begin(), m_hist.end(), 0);
    m_last_rd = 0;
}

}  // namespace satlm
