#include "testbench/accel_core.h"

#include "tlm/bits.h"

#include <algorithm>

namespace satlm {

accel_core::accel_core(const accel_config& cfg)
    : m_rows(cfg.arch.rows)
    , m_cols(cfg.arch.cols)
    , m_psum_bits(cfg.layer.psum_bits)
    , m_xmem(cfg.arch.xmem.words, cfg.arch.xmem_width(), cfg.arch.xmem.read_latency)
    , m_pmem(cfg.arch.pmem.words, cfg.arch.pmem_width(cfg.layer.psum_bits), cfg.arch.pmem.read_latency)
    , m_l0(cfg.arch.rows, cfg.arch.l0_depth)
    , m_array(cfg.arch.rows, cfg.arch.cols, cfg.layer.psum_bits, cfg.layer.act_bits == 2)
    , m_ofifo(cfg.arch.cols, cfg.arch.ofifo_depth)
    , m_sfu(cfg.arch.cols, cfg.layer.psum_bits, cfg.arch.sfu_latency) {
    m_west.assign(m_rows, 0);
    m_q.assign(m_cols, 0);
    m_pmem_d.assign(m_pmem.word_bytes(), 0);
    m_first_push.assign(m_cols, -1);
}

std::int32_t accel_core::pmem_lane(const std::uint8_t* word, unsigned c) const {
    if (m_psum_bits == 16) {  // the common case: two bytes per lane, little-endian packing
        const auto u = static_cast<std::uint16_t>(word[2 * c] | (word[2 * c + 1] << 8));
        return static_cast<std::int16_t>(u);
    }
    return static_cast<std::int32_t>(sign_extend(sram_core::get_lane(word, c, m_psum_bits), m_psum_bits));
}

void accel_core::unpack_q() {
    const std::uint8_t* q = m_pmem.q();
    for (unsigned c = 0; c < m_cols; ++c) m_q[c] = pmem_lane(q, c);
}

void accel_core::step(const instruction& next) {
    const instruction& I = m_inst_q;
    const auto edge = static_cast<std::int64_t>(m_cycle);
    if (I.reset) {
        m_array.reset();
        m_l0.reset();
        m_ofifo.reset();
        m_sfu.reset();
        m_xmem.clock_idle();
        m_pmem.clock_idle();
        m_pop_pending = false;
    } else {
        // Pre-edge values every block samples at this edge.
        // (only when the array can look at them: a quiet array without new bits ignores them)
        if (I.load || I.execute || I.rearm || !m_array.quiet())
            for (unsigned r = 0; r < m_rows; ++r) m_west[r] = m_l0.head(r);
        const bool need_q = I.acc || I.acc_load || (I.pmem_en && I.pmem_wr && I.pmem_src == pmem_source::ofifo_plus_q);
        if (need_q) unpack_q();
        if (I.pmem_en && I.pmem_wr) {
            std::fill(m_pmem_d.begin(), m_pmem_d.end(), 0);
            for (unsigned c = 0; c < m_cols; ++c) {
                std::int64_t v = 0;
                switch (I.pmem_src) {
                case pmem_source::ofifo: v = m_ofifo.head(c); break;
                case pmem_source::sfu: v = m_sfu.out_sum(c); break;
                case pmem_source::ofifo_plus_q: v = std::int64_t{m_ofifo.head(c)} + m_q[c]; break;
                }
                sram_core::set_lane(m_pmem_d.data(), c, m_psum_bits, to_field(v, m_psum_bits));
            }
        }
        if (m_pop_pending && !m_ofifo.o_valid()) ++m_empty_pops;

        m_array.clock(m_west.data(), I.load, I.execute, I.rearm);
        m_l0.clock(I.l0_wr, m_xmem.q(), I.l0_rd);
        m_ofifo.clock(m_array.push_valid(), m_array.push_value(), m_array.any_push(), I.ofifo_rd);
        m_pop_pending = I.ofifo_rd;

        const std::uint64_t x0 = m_xmem.reads() + m_xmem.writes(), p0 = m_pmem.reads() + m_pmem.writes();
        if (I.pmem_en && I.pmem_wr) m_pmem.clock_write(I.pmem_addr, m_pmem_d.data());
        else if (I.pmem_en) m_pmem.clock_read(I.pmem_addr);
        else m_pmem.clock_idle();
        m_sfu.clock(false, I.acc, I.acc_load, m_q.data(), I.sfu_out, I.relu);
        if (I.xmem_en && I.xmem_wr) m_xmem.clock_write(I.xmem_addr, I.xmem_data);
        else if (I.xmem_en) m_xmem.clock_read(I.xmem_addr);
        else m_xmem.clock_idle();
        m_xmem_peak = std::max(m_xmem_peak, m_xmem.reads() + m_xmem.writes() - x0);
        m_pmem_peak = std::max(m_pmem_peak, m_pmem.reads() + m_pmem.writes() - p0);

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
    m_inst_q = next;
    ++m_cycle;
}

}  // namespace satlm
