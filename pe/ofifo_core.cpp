#include "pe/ofifo_core.h"

#include <algorithm>

namespace satlm {

ofifo_core::ofifo_core(unsigned cols, unsigned depth) : m_cols(cols) {
    m_fifo.reserve(cols);
    for (unsigned c = 0; c < cols; ++c) m_fifo.emplace_back(depth);
}

bool ofifo_core::o_valid() const {
    for (const auto& f : m_fifo)
        if (f.empty()) return false;
    return true;
}

void ofifo_core::clock(const std::uint8_t* valid, const std::int32_t* value, bool any_valid, bool rd) {
    if (m_rd_en_q)
        for (auto& f : m_fifo) f.pop();
    if (any_valid)
        for (unsigned c = 0; c < m_cols; ++c)
            if (valid[c]) m_fifo[c].push(value[c]);
    m_rd_en_q = rd;
}

void ofifo_core::reset() {
    for (auto& f : m_fifo) f.reset();
    m_rd_en_q = false;
}

std::size_t ofifo_core::high_water() const {
    std::size_t h = 0;
    for (const auto& f : m_fifo) h = std::max(h, f.high_water());
    return h;
}

}  // namespace satlm
