#include "pe/pe_array_core.h"

#include <algorithm>

namespace satlm {

pe_array_core::pe_array_core(unsigned rows, unsigned cols, unsigned psum_bits, bool two_bit)
    : m_rows(rows), m_cols(cols), m_shift(32 - psum_bits), m_two_bit(two_bit) {
    const std::size_t n = std::size_t{rows} * cols;
    m_a.assign(n, 0);
    m_ld.assign(n, 0);
    m_ex.assign(n, 0);
    m_rm.assign(n, 0);
    m_cnt.assign(n, 0);
    m_wl.assign(n, 0);
    m_wh.assign(n, 0);
    m_c.assign(n, 0);
    m_st_ld.assign(rows, 0);
    m_st_ex.assign(rows, 0);
    m_st_rm.assign(rows, 0);
    m_push_valid.assign(cols, 0);
    m_push_value.assign(cols, 0);
    m_settle = 2ull * rows + 3ull * cols + 8;
}

void pe_array_core::reset() {
    std::fill(m_ld.begin(), m_ld.end(), 0);
    std::fill(m_ex.begin(), m_ex.end(), 0);
    std::fill(m_rm.begin(), m_rm.end(), 0);
    std::fill(m_cnt.begin(), m_cnt.end(), 0);
    std::fill(m_st_ld.begin(), m_st_ld.end(), 0);
    std::fill(m_st_ex.begin(), m_st_ex.end(), 0);
    std::fill(m_st_rm.begin(), m_st_rm.end(), 0);
    std::fill(m_push_valid.begin(), m_push_valid.end(), 0);
    m_any_push = false;
    m_last_active = m_edge;  // let c_q settle again after a reset
    ++m_edge;  // a reset edge is still an edge
}

bool pe_array_core::busy() const {
    auto any = [](const std::vector<std::uint8_t>& v) {
        return std::any_of(v.begin(), v.end(), [](std::uint8_t b) { return b != 0; });
    };
    return any(m_ld) || any(m_ex) || any(m_rm) || any(m_st_ld) || any(m_st_ex) || any(m_st_rm);
}

void pe_array_core::probe(bool on) {
    m_probe = on;
    const std::size_t n = std::size_t{m_rows} * m_cols;
    m_p_lo.assign(n, -1);
    m_p_hi.assign(n, -1);
    m_p_ex.assign(n, -1);
}

void pe_array_core::clock(const std::uint8_t* west, bool load, bool execute, bool rearm) {
    // Quiet array: with no instruction bit in flight for longer than any wave lasts, every
    // register is at a fixed point (c_q settles within R edges), so the edge changes nothing.
    if (load || execute || rearm) m_last_active = m_edge;
    else if (m_edge - m_last_active > m_settle) {
        ++m_edge;
        return;
    }
    const unsigned R = m_rows, C = m_cols;
    const unsigned sh = m_shift;
    const std::uint8_t need = m_two_bit ? 2 : 1;
    std::uint8_t* __restrict a = m_a.data();
    std::uint8_t* __restrict ld = m_ld.data();
    std::uint8_t* __restrict ex = m_ex.data();
    std::uint8_t* __restrict rm = m_rm.data();
    std::uint8_t* __restrict cnt = m_cnt.data();
    std::int32_t* __restrict wl = m_wl.data();
    std::int32_t* __restrict wh = m_wh.data();
    std::int32_t* __restrict cq = m_c.data();
    auto wrap = [sh](std::int32_t v) {
        return static_cast<std::int32_t>(static_cast<std::uint32_t>(v) << sh) >> sh;
    };
    auto out_s = [&](std::size_t i) {
        return wrap((a[i] & 3) * wl[i] + (a[i] >> 2) * wh[i] + cq[i]);
    };

    // OFIFO pushes of this edge: the bottom row's pre-edge valid and out_s.
    m_any_push = false;
    const std::size_t bot = std::size_t{R - 1} * C;
    for (unsigned c = 0; c < C; ++c) {
        m_push_valid[c] = ex[bot + c];
        m_any_push = m_any_push || ex[bot + c];
        m_push_value[c] = ex[bot + c] ? out_s(bot + c) : 0;
    }
    if (m_probe) clock_probed(west);

    // Bottom-up, east-to-west: every register reads its neighbours' pre-edge values.
    for (unsigned r = R; r-- > 0;) {
        const std::size_t row = std::size_t{r} * C;
        for (unsigned c = C; c-- > 0;) {
            const std::size_t i = row + c;
            std::uint8_t in_w, ld_w, ex_w, rm_w;
            if (c == 0) {
                in_w = west[r];
                ld_w = m_st_ld[r];
                ex_w = m_st_ex[r];
                rm_w = m_st_rm[r];
            } else {
                in_w = a[i - 1];
                ld_w = ld[i - 1];
                ex_w = ex[i - 1];
                rm_w = rm[i - 1];
            }
            cq[i] = r == 0 ? 0 : out_s(i - C);
            const std::uint8_t k = rm_w ? 0 : cnt[i];
            const bool done = k >= need;
            if (ld_w && !done) {
                const std::int32_t w = static_cast<std::int32_t>((in_w ^ 8u)) - 8;  // signed nibble
                if (m_two_bit) {
                    if (k == 0) wl[i] = w;
                    else wh[i] = w;
                } else {
                    wl[i] = w;
                    wh[i] = 4 * w;  // mode 0: ((a_hi * w) << 2) + a_lo * w
                }
                cnt[i] = static_cast<std::uint8_t>(k + 1);
            } else {
                cnt[i] = k;
            }
            if (done) ld[i] = ld_w;  // load moves east only once this PE holds its weights
            ex[i] = ex_w;
            rm[i] = rm_w;
            if (ld_w | ex_w) a[i] = in_w;
        }
    }
    for (unsigned r = R - 1; r > 0; --r) {
        m_st_ld[r] = m_st_ld[r - 1];
        m_st_ex[r] = m_st_ex[r - 1];
        m_st_rm[r] = m_st_rm[r - 1];
    }
    m_st_ld[0] = load;
    m_st_ex[0] = execute;
    m_st_rm[0] = rearm;
    ++m_edge;
}

void pe_array_core::clock_probed(const std::uint8_t* /*west*/) {
    // Events of this edge, from the pre-edge state (the same inputs clock() uses).
    const unsigned C = m_cols;
    const std::uint8_t need = m_two_bit ? 2 : 1;
    const auto e = static_cast<std::int64_t>(m_edge);
    for (unsigned r = 0; r < m_rows; ++r)
        for (unsigned c = 0; c < C; ++c) {
            const std::size_t i = std::size_t{r} * C + c;
            const std::uint8_t ld_w = c == 0 ? m_st_ld[r] : m_ld[i - 1];
            const std::uint8_t ex_w = c == 0 ? m_st_ex[r] : m_ex[i - 1];
            const std::uint8_t rm_w = c == 0 ? m_st_rm[r] : m_rm[i - 1];
            const std::uint8_t k = rm_w ? 0 : m_cnt[i];
            if (ld_w && k < need) {
                auto& slot = k == 0 ? m_p_lo[i] : m_p_hi[i];
                if (slot < 0) slot = e;
            }
            if (ex_w && m_p_ex[i] < 0) m_p_ex[i] = e;
        }
}

}  // namespace satlm
