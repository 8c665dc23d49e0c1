#include "pe/pe_array_core.h"

#include <algorithm>
#include <cstring>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace satlm {

namespace {

/// Smallest power of two >= n.
std::uint64_t pow2_at_least(std::uint64_t n) {
    std::uint64_t p = 1;
    while (p < n) p <<= 1;
    return p;
}

/// Branch-free weight latch of one PE: when `latch`, the signed nibble `in_w` goes into the low
/// weight (4-bit, or the first of a 2-bit pair: k = 0) or the high one (k = 1).
template <typename T, bool TwoBit, typename U = std::make_unsigned_t<T>>
inline void latch_weight(T& wl, T& wh, U in_w, U latch, U k) {
    const U w = static_cast<U>((in_w ^ 8u) - 8u);  // signed nibble
    if (TwoBit) {
        const U m_lo = static_cast<U>(0u - (latch & ~k & 1u)), m_hi = static_cast<U>(0u - (latch & k & 1u));
        wl = static_cast<T>((w & m_lo) | (static_cast<U>(wl) & static_cast<U>(~m_lo)));
        wh = static_cast<T>((w & m_hi) | (static_cast<U>(wh) & static_cast<U>(~m_hi)));
    } else {
        const U m = static_cast<U>(0u - latch);
        wl = static_cast<T>((w & m) | (static_cast<U>(wl) & static_cast<U>(~m)));
    }
}

/// out_s of PE (north) c, wrapped to psum_bits: the c_q PE c of the next row takes.
template <typename T, bool TwoBit, bool Wrap>
inline T north_out(const T* __restrict na, const T* __restrict nwl, const T* __restrict nwh,
                   const T* __restrict ncq, unsigned c, unsigned sh) {
    using U = std::make_unsigned_t<T>;
    U s;
    if (TwoBit)
        s = static_cast<U>(static_cast<U>(na[c] & 3) * static_cast<U>(nwl[c]) +
                           static_cast<U>(na[c] >> 2) * static_cast<U>(nwh[c]) + static_cast<U>(ncq[c]));
    else
        s = static_cast<U>(static_cast<U>(na[c]) * static_cast<U>(nwl[c]) + static_cast<U>(ncq[c]));
    // psum_bits == width of T: the modular arithmetic already wrapped it (Wrap false).
    return Wrap ? static_cast<T>(static_cast<T>(static_cast<U>(s << sh)) >> sh) : static_cast<T>(s);
}

/// One edge of one row, branch-free over the columns so that it vectorizes.
///
/// `xa, xl, xe, xr` point at the row's pad slot of the a/ld/ex/rm planes, so xa[c] is PE c-1's
/// pre-edge a_q (what PE c samples from the west; lane 0 takes the west inputs instead) and
/// xa[c + 1] is PE c's own. The new a/ld/ex/rm go to the caller's `oa, ol, oe, orm` (it stores
/// them after the loop: stores into the shifted planes inside it would feed later lanes).
/// cnt, wl, wh, cq (PE 0 of the row) update in place from the north row's n* (PE 0, pre-edge).
/// Returns the instruction bits the row holds after the edge (1 load, 2 execute, 4 rearm).
template <typename T, unsigned CC, bool TwoBit, bool North, bool Wrap>
[[gnu::noinline]] std::uint8_t row_edge(const T* __restrict xa, const T* __restrict xl, const T* __restrict xe,
                     const T* __restrict xr, T* __restrict cnt, T* __restrict wl, T* __restrict wh,
                     T* __restrict cq, const T* __restrict na, const T* __restrict nwl, const T* __restrict nwh,
                     const T* __restrict ncq, T* __restrict oa, T* __restrict ol, T* __restrict oe,
                     T* __restrict orm, T west, std::uint8_t st, unsigned cols, unsigned sh) {
    using U = std::make_unsigned_t<T>;
    const unsigned C = CC ? CC : cols;
    const U w_a = static_cast<U>(west), w_ld = st & 1u, w_ex = (st >> 1) & 1u, w_rm = (st >> 2) & 1u;
    U ctl = 0;
    for (unsigned c = 0; c < C; ++c) {
        const T cq_new = North ? north_out<T, TwoBit, Wrap>(na, nwl, nwh, ncq, c, sh) : T{0};
        // Bits are 0/1; masks are all-ones/zero: no branches, so the loop vectorizes. The
        // shifted loads are unconditional (lane 0 reads the pad slot) and lane 0 is selected.
        const U sa = static_cast<U>(xa[c]), sl = static_cast<U>(xl[c]);
        const U se = static_cast<U>(xe[c]), sr = static_cast<U>(xr[c]);
        const U in_w = c == 0 ? w_a : sa, ld_w = c == 0 ? w_ld : sl;
        const U ex_w = c == 0 ? w_ex : se, rm_w = c == 0 ? w_rm : sr;
        const U k = static_cast<U>(static_cast<U>(cnt[c]) & static_cast<U>(rm_w - 1u));  // rearm: 0
        const U done = TwoBit ? static_cast<U>(k >> 1) : k;  // k <= need, so k >= need is this
        const U latch = static_cast<U>(ld_w & (done ^ 1u));
        latch_weight<T, TwoBit>(wl[c], wh[c], in_w, latch, k);
        cnt[c] = static_cast<T>(k + latch);
        const U m_done = static_cast<U>(0u - done);  // load moves east only once latched
        const U ld_new = static_cast<U>((ld_w & m_done) | (static_cast<U>(xl[c + 1]) & static_cast<U>(~m_done)));
        ol[c] = static_cast<T>(ld_new);
        oe[c] = static_cast<T>(ex_w);
        orm[c] = static_cast<T>(rm_w);
        const U m_a = static_cast<U>(0u - (ld_w | ex_w));
        oa[c] = static_cast<T>((in_w & m_a) | (static_cast<U>(xa[c + 1]) & static_cast<U>(~m_a)));
        cq[c] = cq_new;
        ctl = static_cast<U>(ctl | ld_new | (ex_w << 1) | (rm_w << 2));
    }
    return static_cast<std::uint8_t>(ctl);
}


/// row_edge for a row without load or rearm bits (held or entering): only a_q (under
/// execute), the execute bits and c_q move. Returns the execute bits' presence (bit 1).
template <typename T, unsigned CC, bool TwoBit, bool North, bool Wrap>
[[gnu::noinline]] std::uint8_t row_exec(const T* __restrict xa, const T* __restrict xe, T* __restrict cq,
                             const T* __restrict na, const T* __restrict nwl, const T* __restrict nwh,
                             const T* __restrict ncq, T* __restrict oa, T* __restrict oe, T west, std::uint8_t st,
                             unsigned cols, unsigned sh) {
    using U = std::make_unsigned_t<T>;
    const unsigned C = CC ? CC : cols;
    const U w_a = static_cast<U>(west), w_ex = (st >> 1) & 1u;
    U ctl = 0;
    for (unsigned c = 0; c < C; ++c) {
        const U sa = static_cast<U>(xa[c]), se = static_cast<U>(xe[c]);
        const U in_w = c == 0 ? w_a : sa, ex_w = c == 0 ? w_ex : se;
        const U m_a = static_cast<U>(0u - ex_w);
        oa[c] = static_cast<T>((in_w & m_a) | (static_cast<U>(xa[c + 1]) & static_cast<U>(~m_a)));
        oe[c] = static_cast<T>(ex_w);
        cq[c] = North ? north_out<T, TwoBit, Wrap>(na, nwl, nwh, ncq, c, sh) : T{0};
        ctl = static_cast<U>(ctl | ex_w);
    }
    return static_cast<std::uint8_t>(ctl << 1);
}

/// row_edge for a row without execute or rearm bits (held or entering): the weight-load wave.
/// Returns the load bits' presence (bit 0).
template <typename T, unsigned CC, bool TwoBit, bool North, bool Wrap>
[[gnu::noinline]] std::uint8_t row_load(const T* __restrict xa, const T* __restrict xl, T* __restrict cnt,
                                        T* __restrict wl, T* __restrict wh, T* __restrict cq, const T* __restrict na,
                                        const T* __restrict nwl, const T* __restrict nwh, const T* __restrict ncq,
                                        T* __restrict oa, T* __restrict ol, T west, std::uint8_t st, unsigned cols,
                                        unsigned sh) {
    using U = std::make_unsigned_t<T>;
    const unsigned C = CC ? CC : cols;
    const U w_a = static_cast<U>(west), w_ld = st & 1u;
    U ctl = 0;
    for (unsigned c = 0; c < C; ++c) {
        const U sa = static_cast<U>(xa[c]), sl = static_cast<U>(xl[c]);
        const U in_w = c == 0 ? w_a : sa, ld_w = c == 0 ? w_ld : sl;
        const U k = static_cast<U>(cnt[c]);
        const U done = TwoBit ? static_cast<U>(k >> 1) : k;
        const U latch = static_cast<U>(ld_w & (done ^ 1u));
        latch_weight<T, TwoBit>(wl[c], wh[c], in_w, latch, k);
        cnt[c] = static_cast<T>(k + latch);
        const U m_done = static_cast<U>(0u - done);
        const U ld_new = static_cast<U>((ld_w & m_done) | (static_cast<U>(xl[c + 1]) & static_cast<U>(~m_done)));
        ol[c] = static_cast<T>(ld_new);
        const U m_a = static_cast<U>(0u - ld_w);
        oa[c] = static_cast<T>((in_w & m_a) | (static_cast<U>(xa[c + 1]) & static_cast<U>(~m_a)));
        cq[c] = North ? north_out<T, TwoBit, Wrap>(na, nwl, nwh, ncq, c, sh) : T{0};
        ctl = static_cast<U>(ctl | ld_new);
    }
    return static_cast<std::uint8_t>(ctl);
}

/// A row without any instruction bit whose north row moved: only c_q follows it.
template <typename T, unsigned CC, bool TwoBit, bool Wrap>
[[gnu::noinline]] void row_cq(T* __restrict cq, const T* __restrict na, const T* __restrict nwl, const T* __restrict nwh,
                   const T* __restrict ncq, unsigned cols, unsigned sh) {
    const unsigned C = CC ? CC : cols;
    for (unsigned c = 0; c < C; ++c) cq[c] = north_out<T, TwoBit, Wrap>(na, nwl, nwh, ncq, c, sh);
}

#if defined(__SSE2__)
/// c_q of row r (> 0) from its north row's pre-edge registers, int16 lanes in whole vectors.
template <unsigned CC, bool TwoBit, bool Wrap>
inline void north_cq_i16(std::int16_t* CQ, const std::int16_t* A, const std::int16_t* WL, const std::int16_t* WH,
                         std::size_t row, __m128i shift) {
    constexpr unsigned S = CC + 1;
    const __m128i three = _mm_set1_epi16(3);
    auto load = [](const std::int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    const std::size_t n = row - S + 1;  // PE 0 of the north row
    for (unsigned k = 0; k < CC / 8; ++k) {
        const std::size_t j = n + 8 * k;
        const __m128i na = load(A + j);
        __m128i sum;
        if (TwoBit)
            sum = _mm_add_epi16(_mm_add_epi16(_mm_mullo_epi16(_mm_and_si128(na, three), load(WL + j)),
                                              _mm_mullo_epi16(_mm_srli_epi16(na, 2), load(WH + j))),
                                load(CQ + j));
        else
            sum = _mm_add_epi16(_mm_mullo_epi16(na, load(WL + j)), load(CQ + j));
        if (Wrap) sum = _mm_sra_epi16(_mm_sll_epi16(sum, shift), shift);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(CQ + j + S), sum);
    }
}

/// What a streaming pass reports: whether any row counted as computed (the general path's
/// rule), and whether any row holds a bit after the edge.
enum : unsigned { pass_computed = 1, pass_bits = 2 };

/// The row loop both streaming passes share: rows bottom-up, so that each row reads its north
/// row's pre-edge registers. `update_row(row, st, west_r)` moves the row's own registers (a
/// pass's own work; `row` is the row's pad slot, `st` the instruction bits entering it) and
/// returns the OR of its new control lanes; then c_q follows the north row (0 in row 0) and the
/// row's control flag (`ctl_bit` when any lane holds a bit) and the stale flag of the row below
/// are set exactly as the general path sets them.
template <unsigned CC, bool TwoBit, bool Wrap, typename UpdateRow>
inline unsigned stream_rows_i16(UpdateRow update_row, std::uint8_t ctl_bit, std::int16_t* CQ, const std::int16_t* A,
                                const std::int16_t* WL, const std::int16_t* WH, const std::uint8_t* west,
                                const std::uint8_t* hist, std::uint64_t mask, std::uint64_t e1, std::uint8_t* ctl_of,
                                std::uint8_t* stale, unsigned R, unsigned sh) {
    constexpr unsigned S = CC + 1, V = CC / 8;
    const __m128i zero = _mm_setzero_si128();
    const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(sh));
    bool computed_any = false;
    std::uint8_t bits_any = 0;
    for (unsigned r = R; r-- > 0;) {
        const std::uint8_t st = hist[(e1 - r) & mask];
        const bool computed = ctl_of[r] || st || stale[r];
        const std::size_t row = std::size_t{r} * S;  // pad slot
        const __m128i any = update_row(row, st, west[r]);
        if (r) north_cq_i16<CC, TwoBit, Wrap>(CQ, A, WL, WH, row, shift);
        else
            for (unsigned k = 0; k < V; ++k) _mm_storeu_si128(reinterpret_cast<__m128i*>(CQ + row + 1 + 8 * k), zero);
        const std::uint8_t ctl = _mm_movemask_epi8(_mm_cmpeq_epi16(any, zero)) != 0xFFFF ? ctl_bit : 0;
        ctl_of[r] = ctl;
        bits_any |= ctl;
        computed_any |= computed;
        if (r + 1 < R) stale[r + 1] = computed ? 1 : 0;
    }
    stale[0] = 0;
    return (computed_any ? pass_computed : 0u) | (bits_any ? pass_bits : 0u);
}

/// One edge of every row when no row holds or receives a load or rearm bit (see edge_impl), for
/// int16 registers and a width of whole 8-lane vectors: a_q under execute, the execute bits and
/// c_q, within a row from the last vector to the first (a vector reads the pre-edge lane west of
/// it); lane 0 takes the west inputs (a_q from L0, the entering execute bit).
template <unsigned CC, bool TwoBit, bool Wrap>
[[gnu::noinline]] unsigned exec_rows_i16(std::int16_t* A, std::int16_t* EX, std::int16_t* CQ, const std::int16_t* WL,
                                         const std::int16_t* WH, const std::uint8_t* west, const std::uint8_t* hist,
                                         std::uint64_t mask, std::uint64_t e1, std::uint8_t* ctl_of,
                                         std::uint8_t* stale, unsigned R, unsigned sh) {
    static_assert(CC % 8 == 0, "whole vectors");
    constexpr unsigned V = CC / 8;
    auto update_row = [A, EX](std::size_t row, std::uint8_t st, std::uint8_t west_r) {
        const __m128i zero = _mm_setzero_si128();
        auto load = [](const std::int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
        auto store = [](std::int16_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); };
        __m128i any = zero;
        for (unsigned k = V; k-- > 0;) {
            const std::size_t i = row + 8 * k;  // lanes 8k .. 8k+7 are at i + 1 ..
            __m128i in_w = load(A + i), ex_w = load(EX + i);
            const __m128i own = load(A + i + 1);
            if (k == 0) {  // lane 0 takes the west inputs (the pad slot's value is unused)
                in_w = _mm_insert_epi16(in_w, west_r, 0);
                ex_w = _mm_insert_epi16(ex_w, (st >> 1) & 1, 0);
            }
            const __m128i m = _mm_sub_epi16(zero, ex_w);
            store(A + i + 1, _mm_or_si128(_mm_and_si128(m, in_w), _mm_andnot_si128(m, own)));
            store(EX + i + 1, ex_w);
            any = _mm_or_si128(any, ex_w);
        }
        return any;
    };
    return stream_rows_i16<CC, TwoBit, Wrap>(update_row, 2, CQ, A, WL, WH, west, hist, mask, e1, ctl_of, stale, R, sh);
}

/// The weight-load wave alone (no execute or rearm bit in any row or entering one), 4-bit
/// weights, int16 registers in whole vectors: each PE latches the signed nibble arriving from
/// the west with its load bit unless it already holds its weight; the load bit moves east only
/// once the PE holds it; a_q takes the west value under load; c_q follows the north row.
template <unsigned CC, bool Wrap>
[[gnu::noinline]] unsigned load_rows_i16(std::int16_t* A, std::int16_t* LD, std::int16_t* CNT, std::int16_t* WL,
                                         std::int16_t* CQ, const std::uint8_t* west, const std::uint8_t* hist,
                                         std::uint64_t mask, std::uint64_t e1, std::uint8_t* ctl_of,
                                         std::uint8_t* stale, unsigned R, unsigned sh) {
    static_assert(CC % 8 == 0, "whole vectors");
    constexpr unsigned V = CC / 8;
    auto update_row = [A, LD, CNT, WL](std::size_t row, std::uint8_t st, std::uint8_t west_r) {
        const __m128i zero = _mm_setzero_si128(), eight = _mm_set1_epi16(8);
        auto load = [](const std::int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
        auto store = [](std::int16_t* p, __m128i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), v); };
        auto select = [](__m128i m, __m128i a, __m128i b) { return _mm_or_si128(_mm_and_si128(m, a), _mm_andnot_si128(m, b)); };
        __m128i any = zero;
        for (unsigned k = V; k-- > 0;) {
            const std::size_t i = row + 8 * k;
            __m128i in_w = load(A + i), ld_w = load(LD + i);
            if (k == 0) {
                in_w = _mm_insert_epi16(in_w, west_r, 0);
                ld_w = _mm_insert_epi16(ld_w, st & 1, 0);
            }
            const __m128i own_a = load(A + i + 1), own_ld = load(LD + i + 1);
            const __m128i done = load(CNT + i + 1);  // 0 or 1: one weight per PE
            const __m128i latch = _mm_andnot_si128(done, ld_w);
            const __m128i w = _mm_sub_epi16(_mm_xor_si128(in_w, eight), eight);  // signed nibble
            store(WL + i + 1, select(_mm_sub_epi16(zero, latch), w, load(WL + i + 1)));
            store(CNT + i + 1, _mm_add_epi16(done, latch));
            const __m128i ld_new = select(_mm_sub_epi16(zero, done), ld_w, own_ld);
            store(LD + i + 1, ld_new);
            store(A + i + 1, select(_mm_sub_epi16(zero, ld_w), in_w, own_a));
            any = _mm_or_si128(any, ld_new);
        }
        return any;
    };
    return stream_rows_i16<CC, false, Wrap>(update_row, 1, CQ, A, WL, WL, west, hist, mask, e1, ctl_of, stale, R, sh);
}

/// The bottom row's OFIFO pushes (see edge_impl) for int16 registers in whole 8-lane vectors:
/// valid = the execute bit, value = out_s wrapped to psum_bits (0 where not valid). Returns
/// whether any column pushes.
template <unsigned CC, bool TwoBit>
bool push_i16(const std::int16_t* a, const std::int16_t* wl, const std::int16_t* wh, const std::int16_t* cq,
              const std::int16_t* ex, std::uint8_t* valid, std::int32_t* value, unsigned sh) {
    const __m128i zero = _mm_setzero_si128(), one = _mm_set1_epi16(1), three = _mm_set1_epi16(3);
    const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(sh));
    auto load = [](const std::int16_t* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    __m128i any = zero;
    for (unsigned k = 0; k < CC / 8; ++k) {
        const unsigned j = 8 * k;
        const __m128i na = load(a + j);
        __m128i sum;
        if (TwoBit)
            sum = _mm_add_epi16(_mm_add_epi16(_mm_mullo_epi16(_mm_and_si128(na, three), load(wl + j)),
                                              _mm_mullo_epi16(_mm_srli_epi16(na, 2), load(wh + j))),
                                load(cq + j));
        else
            sum = _mm_add_epi16(_mm_mullo_epi16(na, load(wl + j)), load(cq + j));
        sum = _mm_sra_epi16(_mm_sll_epi16(sum, shift), shift);
        const __m128i v = _mm_and_si128(load(ex + j), one);
        sum = _mm_and_si128(sum, _mm_sub_epi16(zero, v));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(valid + j), _mm_packs_epi16(v, v));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(value + j), _mm_srai_epi32(_mm_unpacklo_epi16(sum, sum), 16));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(value + j + 4), _mm_srai_epi32(_mm_unpackhi_epi16(sum, sum), 16));
        any = _mm_or_si128(any, v);
    }
    return _mm_movemask_epi8(_mm_cmpeq_epi16(any, zero)) != 0xFFFF;
}
#endif

}  // namespace

pe_array_core::pe_array_core(unsigned rows, unsigned cols, unsigned psum_bits, bool two_bit)
    : m_rows(rows), m_cols(cols), m_two_bit(two_bit), m_wide(psum_bits > 16) {
    m_stride = std::size_t{cols} + 1;  // a pad slot before each row: see row_edge
    m_plane = std::size_t{rows} * m_stride;
    m_shift = (m_wide ? 32 : 16) - psum_bits;
    // Planes, then 4 x cols of scratch for a row's new a/ld/ex/rm (widths without a template).
    const std::size_t n = P_COUNT * m_plane + 4 * std::size_t{cols};
    if (m_wide) m_r32.assign(n, 0);
    else m_r16.assign(n, 0);
    m_edge_fn = m_wide ? pick_edge<std::int32_t>() : pick_edge<std::int16_t>();
    m_hist.assign(pow2_at_least(std::uint64_t{rows} + 1), 0);
    m_hist_mask = m_hist.size() - 1;
    m_ctl.assign(rows, 0);
    m_stale.assign(rows, 0);
    m_push_valid.assign(cols, 0);
    m_push_value.assign(cols, 0);
}

template <typename T>
pe_array_core::edge_fn pe_array_core::pick_edge() const {
    // Compile-time widths for the usual arrays: fixed trip counts vectorize without remainders.
    if (m_two_bit) {
        switch (m_cols) {
        case 8: return &edge_impl<T, 8, true>;
        case 16: return &edge_impl<T, 16, true>;
        case 32: return &edge_impl<T, 32, true>;
        case 64: return &edge_impl<T, 64, true>;
        default: return &edge_impl<T, 0, true>;
        }
    }
    switch (m_cols) {
    case 8: return &edge_impl<T, 8, false>;
    case 16: return &edge_impl<T, 16, false>;
    case 32: return &edge_impl<T, 32, false>;
    case 64: return &edge_impl<T, 64, false>;
    default: return &edge_impl<T, 0, false>;
    }
}

void pe_array_core::reset() {
    if (m_clear) {  // nothing sampled since the last reset: the control state is still clear
        ++m_edge;
        return;
    }
    m_clear = true;
    auto clear = [this](auto& v) {
        for (plane p : {P_LD, P_EX, P_RM, P_CNT})
            std::fill_n(v.begin() + static_cast<std::ptrdiff_t>(std::size_t{p} * m_plane), m_plane, 0);
    };
    if (m_wide) clear(m_r32);
    else clear(m_r16);
    std::fill(m_hist.begin(), m_hist.end(), 0);
    m_last_bits = 0;
    m_last_lr = 0;
    m_rows_lr = false;
    m_last_er = 0;
    m_rows_er = false;
    std::fill(m_ctl.begin(), m_ctl.end(), 0);
    std::fill(m_push_valid.begin(), m_push_valid.end(), 0);
    std::fill(m_push_value.begin(), m_push_value.end(), 0);
    m_any_push = false;
    // Data registers (a_q, weights, c_q) keep their values and m_stale stays: a reset edge does
    // not move c_q, so rows still settling keep settling afterwards.
    m_quiet = std::none_of(m_stale.begin(), m_stale.end(), [](std::uint8_t s) { return s != 0; });
    ++m_edge;  // a reset edge is still an edge
}

void pe_array_core::idle(std::uint64_t n) {
    // The skipped edges sampled no bits: their ring slots must read as 0 later.
    const std::uint64_t k = std::min<std::uint64_t>(n, m_hist.size());
    for (std::uint64_t i = 0; i < k; ++i) m_hist[(m_edge + i) & m_hist_mask] = 0;
    m_edge += n;
}

bool pe_array_core::busy() const {
    if (m_last_bits && m_edge - (m_last_bits - 1) <= m_rows) return true;
    return std::any_of(m_ctl.begin(), m_ctl.end(), [](std::uint8_t b) { return b != 0; });
}

void pe_array_core::probe(bool on) {
    m_probe = on;
    m_p_lo.assign(std::size_t{m_rows} * m_cols, -1);
    m_p_hi.assign(std::size_t{m_rows} * m_cols, -1);
    m_p_ex.assign(std::size_t{m_rows} * m_cols, -1);
}

template <typename T, unsigned CC, bool TwoBit>
void pe_array_core::edge_impl(pe_array_core& self, const std::uint8_t* west) {
    const unsigned R = self.m_rows, C = CC ? CC : self.m_cols;
    const unsigned sh = self.m_shift;
    const std::size_t pl = self.m_plane, S = C + 1;
    T* base;
    if constexpr (std::is_same_v<T, std::int32_t>) base = self.m_r32.data();
    else base = self.m_r16.data();
    T* const A = base + P_A * pl;
    T* const LD = base + P_LD * pl;
    T* const EX = base + P_EX * pl;
    T* const RM = base + P_RM * pl;
    T* const CNT = base + P_CNT * pl;
    T* const WL = base + P_WL * pl;
    T* const WH = base + P_WH * pl;
    T* const CQ = base + P_CQ * pl;
    T* const scratch = base + P_COUNT * pl;

    // OFIFO pushes of this edge: the bottom row's pre-edge execute bits and out_s.
    const std::size_t bot = std::size_t{R - 1} * S + 1;
    if (self.m_ctl[R - 1] & 2) {  // an execute bit in the bottom row
#if defined(__SSE2__)
        if constexpr (std::is_same_v<T, std::int16_t> && CC != 0 && CC % 8 == 0) {
            self.m_any_push = push_i16<CC, TwoBit>(A + bot, WL + bot, WH + bot, CQ + bot, EX + bot,
                                                   self.m_push_valid.data(), self.m_push_value.data(), sh);
        } else
#endif
        {
        using U = std::make_unsigned_t<T>;
        unsigned any = 0;
        std::uint8_t* __restrict pv = self.m_push_valid.data();
        std::int32_t* __restrict pval = self.m_push_value.data();
        for (unsigned c = 0; c < C; ++c) {
            const std::size_t i = bot + c;
            const U sum = TwoBit ? static_cast<U>(static_cast<U>(A[i] & 3) * static_cast<U>(WL[i]) +
                                                  static_cast<U>(A[i] >> 2) * static_cast<U>(WH[i]) +
                                                  static_cast<U>(CQ[i]))
                                 : static_cast<U>(static_cast<U>(A[i]) * static_cast<U>(WL[i]) + static_cast<U>(CQ[i]));
            const std::int32_t v = EX[i] & 1;
            pv[c] = static_cast<std::uint8_t>(v);
            pval[c] = static_cast<T>(static_cast<T>(static_cast<U>(sum << sh)) >> sh) & -v;
            any |= static_cast<unsigned>(v);
        }
        self.m_any_push = any != 0;
        }
    } else if (self.m_any_push) {
        std::fill(self.m_push_valid.begin(), self.m_push_valid.end(), 0);
        std::fill(self.m_push_value.begin(), self.m_push_value.end(), 0);
        self.m_any_push = false;
    }

    // Bottom-up: every row reads the pre-edge registers of the row north of it. (Locals, not
    // members: the byte stores below would otherwise make the compiler reload them.)
    std::uint8_t* const ctl_of = self.m_ctl.data();
    std::uint8_t* const stale = self.m_stale.data();
    const std::uint8_t* const hist = self.m_hist.data();
    const std::uint64_t mask = self.m_hist_mask, e1 = self.m_edge - 1;
    bool computed_any = false;

#if defined(__SSE2__)
    if constexpr (std::is_same_v<T, std::int16_t> && CC != 0 && CC % 8 == 0) {
        // The streaming phases, in one vectorized pass over all rows without a dispatch per
        // row: a row the general path below would skip (no bit, c_q settled) is a fixed point
        // of the pass's update, so computing it changes nothing.
        const bool lr_in = self.m_last_lr && self.m_edge - (self.m_last_lr - 1) <= R;
        const bool er_in = self.m_last_er && self.m_edge - (self.m_last_er - 1) <= R;
        if (!self.m_rows_lr && !lr_in) {  // no load or rearm bit: the execute wave and the drain
            const unsigned f = sh ? exec_rows_i16<CC, TwoBit, true>(A, EX, CQ, WL, WH, west, hist, mask, e1, ctl_of,
                                                                    stale, R, sh)
                                  : exec_rows_i16<CC, TwoBit, false>(A, EX, CQ, WL, WH, west, hist, mask, e1, ctl_of,
                                                                     stale, R, sh);
            self.m_quiet = !(f & pass_computed);
            self.m_rows_er = (f & pass_bits) != 0;
            return;
        }
        if (!TwoBit && !self.m_rows_er && !er_in) {  // no execute or rearm bit: the weight-load wave
            const unsigned f = sh ? load_rows_i16<CC, true>(A, LD, CNT, WL, CQ, west, hist, mask, e1, ctl_of, stale, R, sh)
                                  : load_rows_i16<CC, false>(A, LD, CNT, WL, CQ, west, hist, mask, e1, ctl_of, stale, R, sh);
            self.m_quiet = !(f & pass_computed);
            self.m_rows_lr = (f & pass_bits) != 0;
            return;
        }
    }
#endif
    std::uint8_t lr = 0;  // the rows' bits after the edge
    for (unsigned r = R; r-- > 0;) {
        const std::uint8_t st = hist[(e1 - r) & mask];  // bits entering row r (stage(r))
        const bool computed = ctl_of[r] || st || stale[r];
        if (computed) {
            const std::size_t row = std::size_t{r} * S;        // pad slot
            const std::size_t nrow = r ? row - S + 1 : row + 1;  // PE 0 of the north row
            const auto w = static_cast<T>(west[r]);
            const std::uint8_t bits = static_cast<std::uint8_t>(ctl_of[r] | st);
            using yes = std::true_type;
            using no = std::false_type;
            std::uint8_t ctl = 0;
            if (bits == 0) {  // settling: only c_q moves
                if (r) {
                    if (sh) row_cq<T, CC, TwoBit, true>(CQ + row + 1, A + nrow, WL + nrow, WH + nrow, CQ + nrow, C, sh);
                    else row_cq<T, CC, TwoBit, false>(CQ + row + 1, A + nrow, WL + nrow, WH + nrow, CQ + nrow, C, sh);
                } else {
                    std::fill_n(CQ + row + 1, C, T{0});
                }
            } else if ((bits & 5) == 0) {  // execute wave only (the streaming phases)
                T local[2 * (CC ? CC : 1)];
                T* const out = CC ? local : scratch;
                auto run = [&](auto north, auto wrap) {
                    return row_exec<T, CC, TwoBit, decltype(north)::value, decltype(wrap)::value>(
                        A + row, EX + row, CQ + row + 1, A + nrow, WL + nrow, WH + nrow, CQ + nrow, out, out + C, w,
                        st, C, sh);
                };
                ctl = r ? (sh ? run(yes{}, yes{}) : run(yes{}, no{})) : run(no{}, no{});
                std::memcpy(A + row + 1, out, C * sizeof(T));
                std::memcpy(EX + row + 1, out + C, C * sizeof(T));
            } else if ((bits & 6) == 0) {  // weight-load wave only
                T local[2 * (CC ? CC : 1)];
                T* const out = CC ? local : scratch;
                auto run = [&](auto north, auto wrap) {
                    return row_load<T, CC, TwoBit, decltype(north)::value, decltype(wrap)::value>(
                        A + row, LD + row, CNT + row + 1, WL + row + 1, WH + row + 1, CQ + row + 1, A + nrow,
                        WL + nrow, WH + nrow, CQ + nrow, out, out + C, w, st, C, sh);
                };
                ctl = r ? (sh ? run(yes{}, yes{}) : run(yes{}, no{})) : run(no{}, no{});
                std::memcpy(A + row + 1, out, C * sizeof(T));
                std::memcpy(LD + row + 1, out + C, C * sizeof(T));
            } else {
                // New a/ld/ex/rm: a local, fixed-size block when the width is known.
                T local[4 * (CC ? CC : 1)];
                T* const out = CC ? local : scratch;
                auto run = [&](auto north, auto wrap) {
                    return row_edge<T, CC, TwoBit, decltype(north)::value, decltype(wrap)::value>(
                        A + row, LD + row, EX + row, RM + row, CNT + row + 1, WL + row + 1, WH + row + 1,
                        CQ + row + 1, A + nrow, WL + nrow, WH + nrow, CQ + nrow, out, out + C, out + 2 * C,
                        out + 3 * C, w, st, C, sh);
                };
                ctl = r ? (sh ? run(yes{}, yes{}) : run(yes{}, no{})) : run(no{}, no{});
                std::memcpy(A + row + 1, out, C * sizeof(T));
                std::memcpy(LD + row + 1, out + C, C * sizeof(T));
                std::memcpy(EX + row + 1, out + 2 * C, C * sizeof(T));
                std::memcpy(RM + row + 1, out + 3 * C, C * sizeof(T));
            }
            ctl_of[r] = ctl;
            computed_any = true;
        }
        lr |= ctl_of[r];
        // The south row's c_q follows this row's registers: it must look again next edge.
        if (r + 1 < R) stale[r + 1] = computed ? 1 : 0;
    }
    stale[0] = 0;
    self.m_quiet = !computed_any;
    self.m_rows_lr = (lr & 5) != 0;
    self.m_rows_er = (lr & 6) != 0;
}

std::int32_t pe_array_core::next_push_value(unsigned c) const {
    if (!next_push_valid(c)) return 0;
    const unsigned r = m_rows - 1;
    const std::int64_t a = get(P_A, r, c), wl = get(P_WL, r, c), wh = weight_hi(r, c), cq = get(P_CQ, r, c);
    const std::int64_t sum = m_two_bit ? (a & 3) * wl + (a >> 2) * wh + cq : a * wl + cq;
    // Wrap to psum_bits as the clocked path does (m_shift: the unused high bits of a register).
    const unsigned bits = (m_wide ? 32u : 16u) - m_shift;
    const std::uint64_t field = static_cast<std::uint64_t>(sum) & ((std::uint64_t{1} << bits) - 1);
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int32_t>(static_cast<std::int64_t>(field ^ sign) - static_cast<std::int64_t>(sign));
}

void pe_array_core::clock_probed() {
    // Events of this edge, from the pre-edge state (the same inputs clock() uses).
    const unsigned C = m_cols;
    const int need = m_two_bit ? 2 : 1;
    const auto e = static_cast<std::int64_t>(m_edge);
    for (unsigned r = 0; r < m_rows; ++r) {
        const std::uint8_t st = stage(r);
        for (unsigned c = 0; c < C; ++c) {
            const std::size_t i = std::size_t{r} * C + c;  // probe slots: no pad
            const int ld_w = c == 0 ? (st & 1) : get(P_LD, r, c - 1);
            const int ex_w = c == 0 ? ((st >> 1) & 1) : get(P_EX, r, c - 1);
            const int rm_w = c == 0 ? ((st >> 2) & 1) : get(P_RM, r, c - 1);
            const int k = rm_w ? 0 : get(P_CNT, r, c);
            if (ld_w && k < need) {
                auto& slot = k == 0 ? m_p_lo[i] : m_p_hi[i];
                if (slot < 0) slot = e;
            }
            if (ex_w && m_p_ex[i] < 0) m_p_ex[i] = e;
        }
    }
}

}  // namespace satlm
