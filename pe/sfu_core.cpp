#include "pe/sfu_core.h"

#include <algorithm>
#include <cstring>

namespace satlm {

sfu_core::sfu_core(unsigned cols, unsigned psum_bits, unsigned latency)
    : m_cols(cols), m_shift(32 - psum_bits), m_latency(std::max(1u, latency)) {
    m_acc.assign(cols, 0);
    m_stage.assign(std::size_t{m_latency} * cols, 0);
    m_relu.assign(m_latency, 0);
}

void sfu_core::clock_edge(bool clear, bool add, bool load, const std::int32_t* q, bool out, bool relu) {
    // Output pipeline first: it reads the pre-edge accumulator.
    for (unsigned s = m_latency - 1; s > 0; --s) {
        std::memcpy(&m_stage[std::size_t{s} * m_cols], &m_stage[std::size_t{s - 1} * m_cols],
                    m_cols * sizeof(std::int32_t));
        m_relu[s] = m_relu[s - 1];
    }
    if (out) {
        std::memcpy(m_stage.data(), m_acc.data(), m_cols * sizeof(std::int32_t));
        m_relu[0] = relu;
    }
    // Locals: `q` may point anywhere, so member loads in the loops would be repeated.
    std::int32_t* const acc = m_acc.data();
    const unsigned C = m_cols, sh = m_shift;
    const auto wrap_to = [sh](std::int64_t v) {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(v) << sh) >> sh;
    };
    if (clear) std::fill(m_acc.begin(), m_acc.end(), 0);
    else if (load)
        for (unsigned c = 0; c < C; ++c) acc[c] = wrap_to(q[c]);
    else if (add)
        for (unsigned c = 0; c < C; ++c) acc[c] = wrap_to(std::int64_t{acc[c]} + q[c]);
}

void sfu_core::idle(std::uint64_t n) {
    // Only the output pipeline moves; after latency - 1 edges every stage holds stage 0.
    for (std::uint64_t i = 0; i + 1 < m_latency && i < n; ++i) {
        for (unsigned s = m_latency - 1; s > 0; --s) {
            std::memcpy(&m_stage[std::size_t{s} * m_cols], &m_stage[std::size_t{s - 1} * m_cols],
                        m_cols * sizeof(std::int32_t));
            m_relu[s] = m_relu[s - 1];
        }
    }
}

void sfu_core::reset() { std::fill(m_acc.begin(), m_acc.end(), 0); }

}  // namespace satlm
