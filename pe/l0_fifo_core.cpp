#include "pe/l0_fifo_core.h"

#include <algorithm>

namespace satlm {

l0_fifo_core::l0_fifo_core(unsigned rows, unsigned depth) : m_rows(rows), m_rd_en(rows, 0) {
    m_fifo.reserve(rows);
    for (unsigned r = 0; r < rows; ++r) m_fifo.emplace_back(depth);
}

void l0_fifo_core::clock(bool wr, const std::uint8_t* word, bool rd) {
    if (m_any_rd) {
        for (unsigned r = 0; r < m_rows; ++r)
            if (m_rd_en[r]) m_fifo[r].pop();
    }
    if (wr) {
        for (unsigned r = 0; r < m_rows; ++r)
            m_fifo[r].push(static_cast<std::uint8_t>((word[r >> 1] >> ((r & 1u) * 4)) & 0xFu));
    }
    if (m_any_rd || rd) {
        bool any = rd;
        for (unsigned r = m_rows - 1; r > 0; --r) {
            m_rd_en[r] = m_rd_en[r - 1];
            any = any || m_rd_en[r];
        }
        m_rd_en[0] = rd;
        m_any_rd = any;
    }
}

void l0_fifo_core::reset() {
    for (auto& f : m_fifo) f.reset();
    std::fill(m_rd_en.begin(), m_rd_en.end(), 0);
    m_any_rd = false;
}

std::size_t l0_fifo_core::high_water() const {
    std::size_t h = 0;
    for (const auto& f : m_fifo) h = std::max(h, f.high_water());
    return h;
}

}  // namespace satlm
