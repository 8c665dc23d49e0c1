#include "dataflow/ws/sequencer.h"

#include "tlm/report.h"

#include <algorithm>

namespace satlm {

sequencer::sequencer(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan)
    : m_cfg(cfg), m_layer(layer), m_plan(plan), m_xbytes((cfg.arch.xmem_width() + 7) / 8), m_program(cfg, plan) {
    const layer_keys& L = layer.shape;
    for (auto* o : {&m_out, &m_sums}) {
        o->out_positions = L.out_positions();
        o->out_channels = L.out_channels;
        o->values.assign(std::size_t{L.out_positions()} * L.out_channels, 0);
    }
    m_out.relu = true;
    m_sums.relu = false;
}

std::uint64_t sequencer::run_step(const schedule_step& s, accel_core& core) {
    m_core = &core;
    const std::uint64_t t0 = core.cycle();
    m_program.run_step(s, *this);  // asserts the step's start and length
    return core.cycle() - t0;
}

void sequencer::step(const instruction& in) {
    if (m_check_valid) {
        // The word the previous cycle's pmem write stores must really be in the OFIFO.
        SATLM_ASSERT("satlm/sequencer", m_core->ofifo().o_valid(),
                     "overlapped drain ran ahead of the OFIFO at cycle {}", m_core->cycle());
        m_check_valid = false;
    }
    m_core->step(in);
    if (m_on_cycle) m_on_cycle(in);
}

void sequencer::emit(const instruction& in, const offchip_fetch& fetch) {
    if (fetch.what == offchip_fetch::kind::none) return step(in);
    instruction with_data = in;
    with_data.xmem_data = offchip_word(fetch);
    step(with_data);
}

void sequencer::emit_n(const instruction& in, std::uint64_t n) {
    if (m_on_cycle) {  // tracing: every cycle is sampled
        for (std::uint64_t c = 0; c < n; ++c) step(in);
        return;
    }
    if (n && m_check_valid) {  // the pending o_valid check belongs to the first edge
        step(in);
        --n;
    }
    m_core->step_n(in, n);
}

const std::uint8_t* sequencer::offchip_word(const offchip_fetch& f) {
    if (f.what == offchip_fetch::kind::activation) {
        if (!m_acts_valid || m_acts_itile != f.itile || m_acts_band != f.band) prepare_acts(f.itile, f.band);
        return &m_acts[std::size_t{f.index} * m_xbytes];
    }
    if (!m_wts_valid || m_wts_otile != f.otile || m_wts_itile != f.itile || m_wts_kij != f.kij)
        prepare_weights(f.otile, f.itile, f.kij);
    return &m_wts[std::size_t{f.index} * m_xbytes];
}

const std::vector<std::uint8_t>& sequencer::prepare_acts(unsigned itile, unsigned band) {
    const layer_keys& L = m_layer.shape;
    const map_band& b = m_plan.bands[band];
    const unsigned nb = b.positions();
    const unsigned cpl = L.channels_per_lane();
    const unsigned ic0 = itile * m_plan.pass_in_channels;
    m_acts.assign(std::size_t{nb} * m_xbytes, 0);
    m_acts_valid = true;
    m_acts_itile = itile;
    m_acts_band = band;
    for (unsigned p = 0; p < nb; ++p) {
        std::uint8_t* w = &m_acts[std::size_t{p} * m_xbytes];
        const unsigned nij = b.position(p, L.padded_width);
        for (unsigned r = 0; r < m_cfg.arch.rows; ++r) {
            unsigned lane = 0;
            for (unsigned h = 0; h < cpl; ++h) {  // 2-bit: channel 2r low, 2r+1 high
                const unsigned ic = ic0 + r * cpl + h;
                if (ic < L.in_channels) lane |= unsigned{m_layer.act_at(ic, nij)} << (h * 2);
            }
            if (cpl == 1 && ic0 + r < L.in_channels) lane = m_layer.act_at(ic0 + r, nij);
            sram_core::set_lane(w, r, 4, lane & 0xF);
        }
    }
    return m_acts;
}

void sequencer::prepare_weights(unsigned otile, unsigned itile, unsigned kij) {
    const layer_keys& L = m_layer.shape;
    const unsigned cpl = L.channels_per_lane();
    const unsigned words = weight_words(m_cfg);
    const unsigned ic0 = itile * m_plan.pass_in_channels;
    m_wts.assign(std::size_t{words} * m_xbytes, 0);
    m_wts_valid = true;
    m_wts_otile = otile;
    m_wts_itile = itile;
    m_wts_kij = kij;
    // Word j feeds column j / cpl: PE(r, c) latches w[c][r] (4-bit), or the low weight
    // (channel 2r) then the high one (2r + 1) in 2-bit mode.
    for (unsigned j = 0; j < words; ++j) {
        const unsigned c = j / cpl, h = j % cpl;
        const unsigned oc = otile * m_cfg.arch.cols + c;
        std::uint8_t* w = &m_wts[std::size_t{j} * m_xbytes];
        for (unsigned r = 0; r < m_cfg.arch.rows; ++r) {
            const unsigned ic = ic0 + r * cpl + h;
            int v = 0;
            if (oc < L.out_channels && ic < L.in_channels) v = m_layer.weight_at(oc, ic, kij);
            sram_core::set_lane(w, r, 4, static_cast<unsigned>(v) & 0xF);
        }
    }
}

void sequencer::capture(unsigned band, unsigned pixel, unsigned otile) {
    const layer_keys& L = m_layer.shape;
    const unsigned o = m_plan.bands[band].out_pixel(pixel, L.out_width());
    for (unsigned c = 0; c < m_cfg.arch.cols; ++c) {
        const unsigned oc = otile * m_cfg.arch.cols + c;
        if (oc >= L.out_channels) break;
        m_sums.at(o, oc) = m_core->sfu().out_sum(c);
        m_out.at(o, oc) = m_core->sfu().out_sum(c) < 0 ? 0 : m_core->sfu().out_sum(c);
    }
}

}  // namespace satlm
