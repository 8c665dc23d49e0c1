#include "pe/ofifo_core.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
#if defined(__SSE2__)
    if (C % 4 == 0) {
        clock_columns_sse2(valid, value, any_valid);
        return;
    }
#endif
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

#if defined(__SSE2__)
/// clock_edge four columns per vector (C % 4 == 0), branch-free over the columns: while a wave
/// enters or leaves the bottom row the columns push in a pattern that changes every edge.
void ofifo_core::clock_columns_sse2(const std::uint8_t* valid, const std::int32_t* value, bool any_valid) {
    const unsigned C = m_cols;
    const __m128i zero = _mm_setzero_si128(), depth = _mm_set1_epi32(static_cast<int>(m_depth));
    auto ld = [](const std::uint32_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    auto st = [](std::uint32_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); };
    std::uint32_t* const rdp = m_rd.data();
    std::uint32_t* const wrp = m_wr.data();
    std::uint32_t* const size = m_size.data();
    std::int32_t* const slots = m_slots.data();
    if (m_rd_en_q && m_nonempty) {
        for (unsigned c = 0; c < C; c += 4) {
            const __m128i n = ld(size + c);
            const __m128i pop = _mm_andnot_si128(_mm_cmpeq_epi32(n, zero), _mm_set1_epi32(-1));  // an empty pop: no-op
            __m128i next = _mm_sub_epi32(ld(rdp + c), pop);
            next = _mm_andnot_si128(_mm_cmpeq_epi32(next, depth), next);
            st(rdp + c, next);
            st(size + c, _mm_add_epi32(n, pop));
        }
    }
    if (any_valid) {
        __m128i full = zero, top = zero;
        for (unsigned c = 0; c < C; c += 4) {
            std::uint32_t v4;
            std::memcpy(&v4, valid + c, 4);
            const __m128i b = _mm_cvtsi32_si128(static_cast<int>(v4));
            const __m128i v = _mm_unpacklo_epi16(_mm_unpacklo_epi8(b, zero), zero);  // 0/1 per column
            full = _mm_or_si128(full, _mm_and_si128(v, _mm_cmpeq_epi32(ld(size + c), depth)));
        }
        if (_mm_movemask_epi8(_mm_cmpeq_epi32(full, zero)) != 0xFFFF)
            throw std::overflow_error("fifo_core: push to a full FIFO");
        for (unsigned c = 0; c < C; ++c)
            if (valid[c]) slots[std::size_t{wrp[c]} * C + c] = value[c];
        for (unsigned c = 0; c < C; c += 4) {
            std::uint32_t v4;
            std::memcpy(&v4, valid + c, 4);
            const __m128i b = _mm_cvtsi32_si128(static_cast<int>(v4));
            const __m128i v = _mm_unpacklo_epi16(_mm_unpacklo_epi8(b, zero), zero);
            __m128i next = _mm_add_epi32(ld(wrp + c), v);
            next = _mm_andnot_si128(_mm_cmpeq_epi32(next, depth), next);
            st(wrp + c, next);
            const __m128i n = _mm_add_epi32(ld(size + c), v);
            st(size + c, n);
            // occupancy after a push, pushing columns only (sizes are far below 2^31: signed max)
            const __m128i pushed = _mm_and_si128(n, _mm_cmpgt_epi32(v, zero));
            const __m128i gt = _mm_cmpgt_epi32(pushed, top);
            top = _mm_or_si128(_mm_and_si128(gt, pushed), _mm_andnot_si128(gt, top));
        }
        std::uint32_t t[4];
        std::memcpy(t, &top, sizeof t);
        const std::uint32_t most = std::max(std::max(t[0], t[1]), std::max(t[2], t[3]));
        m_high_water = std::max<std::size_t>(m_high_water, most);
    }
    unsigned nonempty = 0;
    for (unsigned c = 0; c < C; ++c) nonempty += size[c] != 0;
    m_nonempty = nonempty;
}
#endif

void ofifo_core::reset() {
    // Pointers only: the storage keeps its stale words, as in the RTL.
    std::fill(m_rd.begin(), m_rd.end(), 0);
    std::fill(m_wr.begin(), m_wr.end(), 0);
    std::fill(m_size.begin(), m_size.end(), 0);
    m_nonempty = 0;
    m_rd_en_q = false;
}

}  // namespace satlm
