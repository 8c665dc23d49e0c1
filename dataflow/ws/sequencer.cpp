#include "dataflow/ws/sequencer.h"

#include "tlm/report.h"

#include <algorithm>

namespace satlm {

sequencer::sequencer(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan)
    : m_cfg(cfg), m_layer(layer), m_plan(plan), m_xbytes((cfg.arch.xmem_width() + 7) / 8) {
    const layer_keys& L = layer.shape;
    for (auto* o : {&m_out, &m_sums}) {
        o->out_positions = L.out_positions();
        o->out_channels = L.out_channels;
        o->values.assign(std::size_t{L.out_positions()} * L.out_channels, 0);
    }
    m_out.relu = true;
    m_sums.relu = false;
}

void sequencer::emit(accel_core& core, const instruction& in) {
    if (m_check_valid) {
        // The word the previous cycle's pmem write stores must really be in the OFIFO.
        SATLM_ASSERT("satlm/sequencer", core.ofifo().o_valid(),
                     "overlapped drain ran ahead of the OFIFO at cycle {}", core.cycle());
        m_check_valid = false;
    }
    core.step(in);
    if (m_on_cycle) m_on_cycle(in);
}

void sequencer::emit_n(accel_core& core, const instruction& in, std::uint64_t n) {
    if (m_on_cycle) {  // tracing: every cycle is sampled
        for (std::uint64_t c = 0; c < n; ++c) emit(core, in);
        return;
    }
    if (n && m_check_valid) {  // the pending o_valid check belongs to the first edge
        emit(core, in);
        --n;
    }
    core.step_n(in, n);
}

void sequencer::write_offchip(accel_core& core, const std::vector<std::uint8_t>& buf, unsigned base, unsigned words) {
    // Bursts: the latency wait, then per word the bandwidth wait and the write (offchip_word_at).
    const std::uint64_t cycles = offchip_write_cycles(m_cfg, words);
    std::uint64_t k = 0;
    while (k < cycles) {
        std::uint64_t wait = 0;
        while (k + wait < cycles && offchip_word_at(m_cfg, words, k + wait) < 0) ++wait;
        emit_n(core, instruction{}, wait);
        k += wait;
        if (k == cycles) break;
        const auto w = static_cast<unsigned>(offchip_word_at(m_cfg, words, k));
        instruction in;
        in.xmem_en = in.xmem_wr = true;
        in.xmem_addr = base + w;
        in.xmem_data = &buf[std::size_t{w} * m_xbytes];
        emit(core, in);
        ++k;
    }
}

const std::vector<std::uint8_t>& sequencer::prepare_acts(unsigned itile, unsigned band) {
    const layer_keys& L = m_layer.shape;
    const map_band& b = m_plan.bands[band];
    const unsigned nb = b.positions();
    const unsigned cpl = L.channels_per_lane();
    const unsigned ic0 = itile * m_plan.pass_in_channels;
    m_acts.assign(std::size_t{nb} * m_xbytes, 0);
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

void sequencer::capture(const accel_core& core, unsigned band, unsigned pixel, unsigned otile) {
    const layer_keys& L = m_layer.shape;
    const unsigned o = m_plan.bands[band].out_pixel(pixel, L.out_width());
    for (unsigned c = 0; c < m_cfg.arch.cols; ++c) {
        const unsigned oc = otile * m_cfg.arch.cols + c;
        if (oc >= L.out_channels) break;
        m_sums.at(o, oc) = core.sfu().out_sum(c);
        m_out.at(o, oc) = core.sfu().out_sum(c) < 0 ? 0 : core.sfu().out_sum(c);
    }
}

std::uint64_t sequencer::run_step(const schedule_step& s, accel_core& core) {
    const std::uint64_t t0 = core.cycle();
    SATLM_ASSERT("satlm/sequencer", t0 == s.start, "step {} at cycle {} starts at cycle {}", to_string(s.kind),
                 s.start, t0);
    if (m_cfg.arch.schedule == schedule_kind::reference) run_reference(s, core);
    else run_overlapped(s, core);
    const std::uint64_t took = core.cycle() - t0;
    SATLM_ASSERT("satlm/sequencer", took == s.cycles, "step {} at cycle {} took {} cycles, the schedule says {}",
                 to_string(s.kind), s.start, took, s.cycles);
    return took;
}

namespace {
instruction blank() { return instruction{}; }
}  // namespace

void sequencer::run_reference(const schedule_step& s, accel_core& core) {
    const arch_keys& A = m_cfg.arch;
    const layer_keys& L = m_layer.shape;
    const unsigned wb = A.xmem_weight_base();
    const unsigned xl = A.xmem.read_latency;
    const unsigned last_x = A.xmem.words - 1;
    instruction in;
    switch (s.kind) {
    case step_kind::reset:
        in.reset = true;
        emit_n(core, in, s.cycles);
        break;
    case step_kind::idle:
    case step_kind::drain:
    case step_kind::tail:
        emit_n(core, in, s.cycles);
        break;
    case step_kind::write_act:
    case step_kind::write_weight: {
        const bool act = s.kind == step_kind::write_act;
        if (act) prepare_acts(s.itile, s.band);
        else prepare_weights(s.otile, s.itile, s.kij);
        write_offchip(core, act ? m_acts : m_wts, act ? 0 : wb, s.count);
        break;
    }
    case step_kind::weight_prefetch:
    case step_kind::act_prefetch:
        for (unsigned j = 0; j < s.cycles; ++j) {
            in = blank();
            in.xmem_en = true;
            in.xmem_addr = std::min(last_x, (s.kind == step_kind::act_prefetch ? s.first : wb) + j);
            emit(core, in);
        }
        break;
    case step_kind::weight_to_l0:
    case step_kind::act_to_l0:
        for (unsigned j = 0; j < s.count; ++j) {
            in = blank();
            in.xmem_en = true;
            in.xmem_addr = std::min(last_x, (s.kind == step_kind::act_to_l0 ? s.first : wb) + xl + j);
            in.l0_wr = true;
            emit(core, in);
        }
        break;
    case step_kind::load:
    case step_kind::execute:
        in.l0_rd = true;
        (s.kind == step_kind::load ? in.load : in.execute) = true;
        emit_n(core, in, s.cycles);
        break;
    case step_kind::ofifo_prefetch:
        in.ofifo_rd = true;
        emit(core, in);
        break;
    case step_kind::ofifo_to_pmem: {
        const unsigned nb = m_plan.band_positions(m_plan.bands[s.band], L);
        for (unsigned j = 0; j <= s.count; ++j) {
            in = blank();
            in.ofifo_rd = true;
            in.pmem_en = in.pmem_wr = true;
            in.pmem_addr = m_plan.psum_base + psum_address(s.kij - m_plan.kernel_groups[s.group].first, s.first + j, nb);
            emit(core, in);
        }
        break;
    }
    case step_kind::accumulate_pixel: {
        const layer_keys bs = band_shape(L, m_plan.bands[s.band]);
        const unsigned ow = m_plan.bands[s.band].out_cols;  // band-local pixel s.first
        const kernel_group& kg = m_plan.kernel_groups[s.group];
        const bool last = m_plan.last_contribution(s.itile, s.group);
        in.reset = true;
        emit(core, in);
        // The tb checks the previous pixel's sfp_out at the first cycle of the next iteration.
        if (s.first > 0 && last) capture(core, s.band, s.first - 1, s.otile);
        const unsigned pl = A.pmem.read_latency;
        const unsigned reads = kg.count + (m_plan.first_contribution(s.itile, s.group) ? 0 : 1);
        // The tb's check iteration (count 0) reads on with the acc file at its end: every read
        // repeats the previous iteration's last address (the last pixel's last word).
        const unsigned pixel = s.count ? s.first : s.first - 1;
        const unsigned partial = m_plan.partial_base + pixel;
        auto address = [&](unsigned j) {
            if (!s.count) j = reads - 1;
            return j < kg.count ? m_plan.psum_base + acc_address(pixel / ow, pixel % ow, kg.first + j, bs, kg.first)
                                 : partial;
        };
        for (std::uint64_t c = 1; c < s.cycles; ++c) {
            in = blank();
            const std::uint64_t j = c - 3;  // cycles 1, 2: idle
            if (c >= 3 && j < reads + pl) {
                if (j < reads) {
                    in.pmem_en = true;
                    in.pmem_addr = address(static_cast<unsigned>(j));
                }
                in.acc = j >= pl;
            } else if (c >= 3 + reads + pl && c < 3 + reads + pl + A.sfu_latency) {
                in.sfu_out = true;
                in.relu = last;
            } else if (s.count && c >= 3 + reads + pl + A.sfu_latency) {  // partial write-back
                in.pmem_en = in.pmem_wr = true;
                in.pmem_src = pmem_source::sfu;
                in.pmem_addr = partial;
            }
            emit(core, in);
        }
        break;
    }
    default:
        SATLM_ASSERT("satlm/sequencer", false, "step kind {} in a reference schedule", to_string(s.kind));
    }
}

void sequencer::run_overlapped(const schedule_step& s, accel_core& core) {
    const arch_keys& A = m_cfg.arch;
    const unsigned wb = A.xmem_weight_base();
    const unsigned pl = A.pmem.read_latency;
    instruction in;
    switch (s.kind) {
    case step_kind::reset:
        in.reset = true;
        emit_n(core, in, s.cycles);
        return;
    case step_kind::idle:
    case step_kind::tail:
        emit_n(core, in, s.cycles);
        return;
    case step_kind::write_act:
        prepare_acts(s.itile, s.band);
        write_offchip(core, m_acts, 0, s.count);
        return;
    case step_kind::readout: {
        const std::uint64_t t0 = core.cycle();
        const unsigned ls = A.sfu_latency;
        for (std::uint64_t c = 0; c < s.cycles; ++c) {
            in = blank();
            if (c < s.count) {
                in.pmem_en = true;
                in.pmem_addr = m_tl.acc_base + static_cast<unsigned>(c);
            }
            in.acc_load = c >= pl && c - pl < s.count;
            if (c >= pl + 1 && c - pl - 1 < s.count) {
                in.sfu_out = true;
                in.relu = true;
            }
            emit(core, in);
            // pixel p's output register is valid after the step p + pl + 1 + ls
            if (c >= pl + 1 + ls && c - pl - 1 - ls < s.count)
                capture(core, s.band, static_cast<unsigned>(c - pl - 1 - ls), s.otile);
        }
        (void)t0;
        return;
    }
    case step_kind::stream:
        // A pass group's first job plans its timeline, from the cycle the schedule did.
        if (!m_tl_valid || s.otile != m_tl_otile || s.band != m_tl_band || s.itile != m_tl_itile ||
            s.group != m_tl_group) {
            m_tl = plan_overlapped_band(m_cfg, m_plan, s.itile, s.band, s.start, s.group);
            m_job = m_w_rd = m_w_wr = m_w_q = 0;
            m_tl_valid = true;
            m_tl_otile = s.otile;
            m_tl_band = s.band;
            m_tl_itile = s.itile;
            m_tl_group = s.group;
        }
        break;
    case step_kind::drain_tail:
        break;
    default:
        SATLM_ASSERT("satlm/sequencer", false, "step kind {} in an overlapped schedule", to_string(s.kind));
    }
    const std::uint64_t end = s.start + s.cycles;
    const auto& words = m_tl.words;
    for (std::uint64_t t = core.cycle(); t < end; ++t) {
        in = blank();
        // xmem / L0 / array side: the job whose window holds t.
        while (m_job < m_tl.jobs.size() && m_tl.jobs[m_job].end <= t) ++m_job;
        if (m_job < m_tl.jobs.size() && m_tl.jobs[m_job].xmem_start <= t) {
            const overlapped_job& j = m_tl.jobs[m_job];
            if (t == j.xmem_start && j.weights) prepare_weights(s.otile, s.itile, j.kij);
            if (t < j.read_start) {
                const std::int64_t word = offchip_word_at(m_cfg, j.weights, t - j.xmem_start);
                if (word >= 0) {
                    const auto w = static_cast<unsigned>(word);
                    in.xmem_en = in.xmem_wr = true;
                    in.xmem_addr = wb + w;
                    in.xmem_data = &m_wts[std::size_t{w} * m_xbytes];
                }
            } else if (t < j.read_start + j.weights + j.count) {
                const unsigned k = static_cast<unsigned>(t - j.read_start);
                in.xmem_en = true;
                in.xmem_addr = k < j.weights ? wb + k : j.first + (k - j.weights);
            }
            if (t >= j.l0_start && t < j.l0_start + j.weights + j.count) in.l0_wr = true;
            if (j.weights && t >= j.load_start && t < j.load_start + j.weights) {
                in.load = in.l0_rd = true;
                in.rearm = t == j.load_start;
            }
            if (t >= j.exec_start && t < j.exec_start + j.count) in.execute = in.l0_rd = true;
        }
        // Drain side: ofifo_rd one cycle before each pop, pmem read pl cycles before an add.
        while (m_w_rd < words.size() && words[m_w_rd].write_cycle < t + 1) ++m_w_rd;
        if (m_w_rd < words.size() && words[m_w_rd].write_cycle == t + 1) in.ofifo_rd = true;
        while (m_w_q < words.size() && (words[m_w_q].pixel < 0 || words[m_w_q].first ||
                                        words[m_w_q].write_cycle < t + pl))
            ++m_w_q;
        if (m_w_q < words.size() && words[m_w_q].write_cycle == t + pl) {
            in.pmem_en = true;
            in.pmem_addr = m_tl.acc_base + static_cast<unsigned>(words[m_w_q].pixel);
        }
        bool pop_now = false;
        if (m_w_wr < words.size() && words[m_w_wr].write_cycle == t) {
            const overlapped_word& w = words[m_w_wr];
            pop_now = true;
            if (w.pixel >= 0) {
                if (in.pmem_en) {  // the next word's read shares this cycle (second port or bank)
                    in.pmem_rd2 = true;
                    in.pmem_rd2_addr = in.pmem_addr;
                }
                in.pmem_en = in.pmem_wr = true;
                in.pmem_addr = m_tl.acc_base + static_cast<unsigned>(w.pixel);
                in.pmem_src = w.first ? pmem_source::ofifo : pmem_source::ofifo_plus_q;
            }
            ++m_w_wr;
        }
        emit(core, in);
        m_check_valid = pop_now;
    }
}

}  // namespace satlm
