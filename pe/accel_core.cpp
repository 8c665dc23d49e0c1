#include "pe/accel_core.h"

#include "tlm/bits.h"
#include "tlm/report.h"

#include <algorithm>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace satlm {

accel_core::accel_core(const accel_config& cfg)
    : m_cols(cfg.arch.cols)
    , m_psum_bits(cfg.layer.psum_bits)
    , m_pmem_keys(cfg.arch.pmem)
    , m_xmem(cfg.arch.xmem.words, cfg.arch.xmem_width(), cfg.arch.xmem.read_latency)
    , m_pmem(cfg.arch.pmem.words, cfg.arch.pmem_width(cfg.layer.psum_bits), cfg.arch.pmem.read_latency)
    , m_l0(cfg.arch.rows, cfg.arch.l0_depth)
    , m_array(cfg.arch.rows, cfg.arch.cols, cfg.layer.psum_bits, cfg.layer.act_bits == 2)
    , m_ofifo(cfg.arch.cols, cfg.arch.ofifo_depth)
    , m_sfu(cfg.arch.cols, cfg.layer.psum_bits, cfg.arch.sfu_latency) {
    m_q.assign(m_cols, 0);
    m_pmem_d.assign(m_pmem.word_bytes(), 0);
    m_lanes.assign(m_cols, 0);
    m_heads.assign(m_cols, 0);
    m_first_push.assign(m_cols, -1);
}

std::int32_t accel_core::pmem_lane_bits(const std::uint8_t* word, unsigned c) const {
    return static_cast<std::int32_t>(sign_extend(sram_core::get_lane(word, c, m_psum_bits), m_psum_bits));
}

void accel_core::unpack_q() {
    const std::uint8_t* const q = m_pmem.q();
    std::int32_t* const out = m_q.data();
    const unsigned C = m_cols;
    if (m_psum_bits == 16) {  // the common case: two bytes per lane, little-endian packing
        unsigned c = 0;
#if defined(__SSE2__)
        for (; c + 8 <= C; c += 8) {  // sign-extend 8 lanes at a time
            const __m128i w = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 2 * c));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), _mm_srai_epi32(_mm_unpacklo_epi16(w, w), 16));
            _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c + 4), _mm_srai_epi32(_mm_unpackhi_epi16(w, w), 16));
        }
#endif
        for (; c < C; ++c)
            out[c] = static_cast<std::int16_t>(static_cast<std::uint16_t>(q[2 * c] | (q[2 * c + 1] << 8)));
        return;
    }
    for (unsigned c = 0; c < C; ++c) out[c] = pmem_lane_bits(q, c);
}

void accel_core::fill_pmem_d(const instruction& I) {
    // pmem D: the OFIFO head, the SFU output, or (online accumulation) head + Q. (Locals
    // throughout: byte stores would otherwise make the compiler reload every member.)
    const unsigned C = m_cols;
    std::int32_t* const h = m_heads.data();
    std::int64_t* const v = m_lanes.data();
    const std::int32_t* const q = m_q.data();
    if (m_psum_bits == 16 && I.pmem_src != pmem_source::sfu) {  // the streaming drain
        m_ofifo.heads(h);
        std::uint8_t* const d = m_pmem_d.data();
        const bool add_q = I.pmem_src == pmem_source::ofifo_plus_q;
        unsigned c = 0;
#if defined(__SSE2__)
        for (; c + 8 <= C; c += 8) {  // the low 16 bits of 8 lanes at a time
            __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + c));
            __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(h + c + 4));
            if (add_q) {
                lo = _mm_add_epi32(lo, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + c)));
                hi = _mm_add_epi32(hi, _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + c + 4)));
            }
            // sign-extend the low halves so that the saturating pack keeps them unchanged
            lo = _mm_srai_epi32(_mm_slli_epi32(lo, 16), 16);
            hi = _mm_srai_epi32(_mm_slli_epi32(hi, 16), 16);
            _mm_storeu_si128(reinterpret_cast<__m128i*>(d + 2 * c), _mm_packs_epi32(lo, hi));
        }
#endif
        for (; c < C; ++c) {
            const std::int32_t x = add_q ? h[c] + q[c] : h[c];  // the low 16 bits are what is stored
            d[2 * c] = static_cast<std::uint8_t>(x);
            d[2 * c + 1] = static_cast<std::uint8_t>(x >> 8);
        }
        return;
    }
    if (I.pmem_src == pmem_source::sfu) {
        for (unsigned c = 0; c < C; ++c) v[c] = m_sfu.out_sum(c);
    } else {
        m_ofifo.heads(h);
        if (I.pmem_src == pmem_source::ofifo_plus_q)
            for (unsigned c = 0; c < C; ++c) v[c] = std::int64_t{h[c]} + q[c];
        else
            for (unsigned c = 0; c < C; ++c) v[c] = h[c];
    }
    std::uint8_t* const d = m_pmem_d.data();
    if (m_psum_bits == 16) {  // the common case: two little-endian bytes per lane
        for (unsigned c = 0; c < C; ++c) {
            d[2 * c] = static_cast<std::uint8_t>(v[c]);
            d[2 * c + 1] = static_cast<std::uint8_t>(v[c] >> 8);
        }
    } else {
        std::fill(m_pmem_d.begin(), m_pmem_d.end(), 0);
        for (unsigned c = 0; c < C; ++c) sram_core::set_lane(d, c, m_psum_bits, to_field(v[c], m_psum_bits));
    }
}

void accel_core::act_reset() {
    m_array.reset();
    m_l0.reset();
    m_ofifo.reset();
    m_sfu.reset();
    m_xmem.clock_idle();
    m_pmem.clock_idle();
    m_pop_pending = false;
}

/// One edge acting on the registered instruction `I` (not a reset). Inline: step() and the
/// repeated edges of step_n() share it, the latter with `I` fixed for the whole run.
/// `Streaming`: `I` sets no bit but load, execute, rearm and l0_rd (the load and execute
/// steps, the drain, idle gaps), so every SRAM, OFIFO-read and SFU branch folds away.
template <bool Streaming>
inline void accel_core::act(const instruction& I) {
    const auto edge = static_cast<std::int64_t>(m_cycle);
    // The instruction's bits; constant false when streaming.
    const bool pmem_en = !Streaming && I.pmem_en, pmem_wr = pmem_en && I.pmem_wr;
    const bool acc = !Streaming && I.acc, acc_load = !Streaming && I.acc_load, sfu_out = !Streaming && I.sfu_out;
    const bool xmem_en = !Streaming && I.xmem_en, l0_wr = !Streaming && I.l0_wr;
    const bool ofifo_rd = !Streaming && I.ofifo_rd;
    // Pre-edge values every block samples at this edge (the L0 heads: m_l0.heads()).
    if (acc || acc_load || (pmem_wr && I.pmem_src == pmem_source::ofifo_plus_q)) unpack_q();
    if (pmem_wr) fill_pmem_d(I);
    if (m_pop_pending && !m_ofifo.o_valid()) ++m_empty_pops;

    m_array.clock(m_l0.heads(), I.load, I.execute, I.rearm);  // before the L0 pops
    m_l0.clock(l0_wr, m_xmem.q(), I.l0_rd);
    m_ofifo.clock(m_array.push_valid(), m_array.push_value(), m_array.any_push(), ofifo_rd);
    m_pop_pending = ofifo_rd;

    if (pmem_en) {
        if (pmem_wr && I.pmem_rd2) {
            SATLM_ASSERT("satlm/accel_core", m_pmem_keys.two_fit(I.pmem_addr, I.pmem_rd2_addr),
                         "pmem write {} and read {} in one cycle need a second port or bank", I.pmem_addr,
                         I.pmem_rd2_addr);
            m_pmem.clock_write_read(I.pmem_addr, m_pmem_d.data(), I.pmem_rd2_addr);
            m_pmem_peak = std::max<std::uint64_t>(m_pmem_peak, 2);
        } else {
            if (pmem_wr) m_pmem.clock_write(I.pmem_addr, m_pmem_d.data());
            else {
                m_pmem.clock_read(I.pmem_addr);
                if (m_log_pmem_reads) m_pmem_read_log.push_back(I.pmem_addr);
            }
            m_pmem_peak = std::max<std::uint64_t>(m_pmem_peak, 1);
        }
    } else m_pmem.clock_idle();
    m_sfu.clock(false, acc, acc_load, m_q.data(), sfu_out, I.relu);
    if (xmem_en) {
        if (I.xmem_wr) {
            if (m_offchip_writer) m_offchip_writer(I.xmem_addr, I.xmem_data);
            m_xmem.clock_write(I.xmem_addr, m_offchip_writer ? nullptr : I.xmem_data);
        } else m_xmem.clock_read(I.xmem_addr);
        m_xmem_peak = std::max<std::uint64_t>(m_xmem_peak, 1);  // one access per edge
    } else m_xmem.clock_idle();

    // Measured latency events.
    if (m_first_exec < 0 && m_array.execute_bit(0, 0)) m_first_exec = edge;
    if (m_cols_pushed < m_cols && m_array.any_push()) {
        const std::uint8_t* v = m_array.push_valid();
        for (unsigned c = 0; c < m_cols; ++c)
            if (v[c] && m_first_push[c] < 0) {
                m_first_push[c] = edge;
                ++m_cols_pushed;
            }
    }
}

void accel_core::step(const instruction& next) {
    if (m_inst_q.reset) act_reset();
    else act<false>(m_inst_q);
    m_inst_q = next;
    ++m_cycle;
}

namespace {
/// No control bit set: an edge acting on it only advances pipelines.
bool is_blank(const instruction& in) {
    return !(in.reset || in.load || in.execute || in.rearm || in.l0_wr || in.l0_rd || in.ofifo_rd || in.xmem_en ||
             in.pmem_en || in.pmem_rd2 || in.acc || in.acc_load || in.sfu_out);
}
}  // namespace

void accel_core::step_n(const instruction& next, std::uint64_t n) {
    if (n == 0) return;
    // The first edge acts on the instruction registered before; every later one on `next`.
    step(next);
    --n;
    if (n == 0) return;
    if (next.reset) {
        // After one reset edge every block is in its reset state, which further reset edges
        // keep: the rest only count edges (and move SRAM address pipelines).
        act_reset();
        --n;
        m_array.idle_reset(n);
        m_xmem.idle(n);
        m_pmem.idle(n);
        m_cycle += n + 1;
        return;
    }
    const instruction I = next;  // a local: the loop below keeps it in registers
    const bool blank = is_blank(I);
    const bool streaming = !(I.l0_wr || I.ofifo_rd || I.xmem_en || I.pmem_en || I.pmem_rd2 || I.acc || I.acc_load ||
                             I.sfu_out);
    while (n > 0) {
        if (blank && !m_pop_pending && m_array.quiet() && m_l0.read_idle() && !m_ofifo.read_pending()) {
            // Fixed point: no bit in flight, no pop pending, every c_q settled. The remaining
            // edges move only the SRAM address and SFU output pipelines.
            m_array.idle(n);
            m_l0.idle(n);
            m_xmem.idle(n);
            m_pmem.idle(n);
            m_sfu.idle(n);
            m_cycle += n;
            return;
        }
        if (streaming) act<true>(I);
        else act<false>(I);
        ++m_cycle;
        --n;
    }
}

}  // namespace satlm
