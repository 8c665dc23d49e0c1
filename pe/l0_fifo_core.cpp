#include "pe/l0_fifo_core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace satlm {

l0_fifo_core::l0_fifo_core(unsigned rows, unsigned depth) : m_rows(rows), m_depth(depth) {
    if (depth == 0) throw std::invalid_argument("l0_fifo_core: depth must be at least 1");
    m_slots.assign(std::size_t{rows} * depth, 0);
    m_rd.assign(rows, 0);
    m_size.assign(rows, 0);
    m_head.assign(rows, 0);
    std::size_t n = 1;
    while (n < std::size_t{rows} + 1) n <<= 1;
    m_hist.assign(n, 0);
    m_hist_mask = n - 1;
    m_row_mask = rows >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << rows) - 1;
}

#if defined(__SSE2__)
namespace {
/// The skewed pops of rows whose bit is set in `mask`, four rows per vector (R % 4 == 0): a row
/// pops when its bit is set and it holds a word (an empty pop is a no-op). Branch-free: while
/// the skew fills and empties, the pattern changes every edge. Every head is then the slot
/// under its row's read pointer (which it already was for the rows that did not pop).
void pop_rows_sse2(std::uint64_t mask, unsigned R, unsigned D, std::uint32_t* rdp, std::uint32_t* size,
                   std::uint8_t* heads, const std::uint8_t* slots) {
    const __m128i zero = _mm_setzero_si128(), lane_bit = _mm_set_epi32(8, 4, 2, 1);
    const __m128i depth = _mm_set1_epi32(static_cast<int>(D));
    for (unsigned g = 0; g < R; g += 4) {
        const auto bits = static_cast<int>((mask >> g) & 0xFu);
        if (!bits) continue;
        auto* const pr = reinterpret_cast<__m128i*>(rdp + g);
        auto* const ps = reinterpret_cast<__m128i*>(size + g);
        const __m128i n = _mm_loadu_si128(ps);
        const __m128i sel = _mm_cmpeq_epi32(_mm_and_si128(_mm_set1_epi32(bits), lane_bit), lane_bit);
        const __m128i pop = _mm_andnot_si128(_mm_cmpeq_epi32(n, zero), sel);  // -1 where the row pops
        __m128i next = _mm_sub_epi32(_mm_loadu_si128(pr), pop);
        next = _mm_andnot_si128(_mm_cmpeq_epi32(next, depth), next);  // wrap at the depth
        _mm_storeu_si128(pr, next);
        _mm_storeu_si128(ps, _mm_add_epi32(n, pop));
        for (unsigned r = g; r < g + 4; ++r) heads[r] = slots[std::size_t{rdp[r]} * R + r];
    }
}
}  // namespace
#endif

void l0_fifo_core::clock_edge(bool wr, const std::uint8_t* word, bool rd) {
    const unsigned R = m_rows, D = m_depth;
    std::uint32_t* const rdp = m_rd.data();  // locals: byte stores would force member reloads
    std::uint32_t* const size = m_size.data();
    // Skewed pops: row r pops at this edge when l0_rd was sampled r + 1 edges ago.
    std::uint8_t* const heads = m_head.data();
    const std::uint8_t* const slots = m_slots.data();
#if defined(__SSE2__)
    if (R % 4 == 0 && R <= 64) {
        if (m_rd_mask) pop_rows_sse2(m_rd_mask, R, D, rdp, size, heads, slots);
    } else
#endif
    {
    auto pop = [&](unsigned r) {
        const std::uint32_t n = size[r];
        if (n == 0) return;  // an empty pop is a no-op
        const std::uint32_t next = rdp[r] + 1 == D ? 0 : rdp[r] + 1;
        rdp[r] = next;
        size[r] = n - 1;
        heads[r] = slots[std::size_t{next} * R + r];
    };
    if (R <= 64) {
        unsigned r = 0;
        for (std::uint64_t m = m_rd_mask; m; m >>= 1, ++r)
            if (m & 1u) pop(r);
    } else if (m_last_rd && m_edge - (m_last_rd - 1) <= R) {
        const std::uint64_t e1 = m_edge - 1;
        for (unsigned r = 0; r < R; ++r)
            if (m_hist[(e1 - r) & m_hist_mask]) pop(r);
    }
    }
    if (wr) {
        std::uint32_t top = 0;
        unsigned empty = 0;  // rows without a word (their head becomes the new word), up to 32
#if defined(__SSE2__)
        if (R % 4 == 0 && R <= 32) {
            // Sizes are far below 2^31: a signed maximum is exact.
            const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi32(1);
            __m128i most = zero;
            for (unsigned g = 0; g < R; g += 4) {
                auto* const ps = reinterpret_cast<__m128i*>(size + g);
                const __m128i n = _mm_loadu_si128(ps);
                const __m128i gt = _mm_cmpgt_epi32(n, most);
                most = _mm_or_si128(_mm_and_si128(gt, n), _mm_andnot_si128(gt, most));
                empty |= static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(n, zero)))) << g;
                _mm_storeu_si128(ps, _mm_add_epi32(n, one));
            }
            std::uint32_t t[4];
            std::memcpy(t, &most, sizeof t);
            top = std::max(std::max(t[0], t[1]), std::max(t[2], t[3]));
            if (top == D) {  // undo: the push does not happen
                for (unsigned r = 0; r < R; ++r) --size[r];
                throw std::overflow_error("fifo_core: push to a full FIFO");
            }
        } else
#endif
        {
            for (unsigned r = 0; r < R; ++r) top = std::max(top, size[r]);
            if (top == D) throw std::overflow_error("fifo_core: push to a full FIFO");
        }
        std::uint8_t* const slot = &m_slots[std::size_t{m_wr} * R];
        for (unsigned b = 0; b < R / 2; ++b) {  // row r takes lane r: 2 rows per byte
            const std::uint8_t v = word[b];
            slot[2 * b] = static_cast<std::uint8_t>(v & 0xFu);
            slot[2 * b + 1] = static_cast<std::uint8_t>(v >> 4);
        }
        if (R & 1u) slot[R - 1] = static_cast<std::uint8_t>(word[R / 2] & 0xFu);
#if defined(__SSE2__)
        if (R % 4 == 0 && R <= 32) {
            for (; empty; empty &= empty - 1) {  // an empty row's read pointer is at the new word
                const auto r = static_cast<unsigned>(__builtin_ctz(empty));
                heads[r] = slot[r];
            }
        } else
#endif
        {
            for (unsigned r = 0; r < R; ++r) {
                const std::uint32_t n = size[r];
                if (n == 0) heads[r] = slot[r];  // an empty row's read pointer is at the new word
                size[r] = n + 1;
            }
        }
        m_high_water = std::max<std::size_t>(m_high_water, top + 1);
        m_wr = m_wr + 1 == m_depth ? 0 : m_wr + 1;
    }
    if (R <= 64) {
        m_rd_mask = ((m_rd_mask << 1) | (rd ? 1u : 0u)) & m_row_mask;
    } else {
        m_hist[m_edge & m_hist_mask] = rd ? 1 : 0;
        if (rd) m_last_rd = m_edge + 1;
    }
    ++m_edge;
}

void l0_fifo_core::reset() {
    // Pointers only: the storage keeps its stale words, as in the RTL.
    std::fill(m_rd.begin(), m_rd.end(), 0);
    std::fill(m_size.begin(), m_size.end(), 0);
    m_wr = 0;
    std::copy_n(m_slots.begin(), m_rows, m_head.begin());
    std::fill(m_hist.begin(), m_hist.end(), 0);
    m_last_rd = 0;
    m_rd_mask = 0;
}

void l0_fifo_core::idle(std::uint64_t n) {
    if (m_rows <= 64) {  // the mask is 0 (read_idle) and stays 0
        m_edge += n;
        return;
    }
    // The skipped edges sampled no l0_rd: their ring slots must read as 0 later.
    const std::uint64_t k = std::min<std::uint64_t>(n, m_hist.size());
    for (std::uint64_t i = 0; i < k; ++i) m_hist[(m_edge + i) & m_hist_mask] = 0;
    m_edge += n;
}

}  // namespace satlm
