#include "dataflow/ws/instruction_program.h"

#include "dataflow/ws/tiling.h"
#include "tlm/report.h"

#include <algorithm>

namespace satlm {

instruction_program::instruction_program(const accel_config& cfg, const tiling_plan& plan) : m_cfg(cfg), m_plan(plan) {}

void instruction_program::run_step(const schedule_step& s, instruction_sink& out) {
    const std::uint64_t t0 = out.cycle();
    SATLM_ASSERT("satlm/program", t0 == s.start, "step {} at cycle {} starts at cycle {}", to_string(s.kind),
                 s.start, t0);
    if (m_cfg.arch.schedule == schedule_kind::reference) run_reference(s, out);
    else run_overlapped(s, out);
    const std::uint64_t took = out.cycle() - t0;
    SATLM_ASSERT("satlm/program", took == s.cycles, "step {} at cycle {} took {} cycles, the schedule says {}",
                 to_string(s.kind), s.start, took, s.cycles);
}

void instruction_program::write_offchip(instruction_sink& out, const schedule_step& s, bool activations) {
    // Bursts: the latency wait, then per word the bandwidth wait and the write (offchip_word_at).
    const unsigned words = s.count;
    const unsigned base = activations ? 0 : m_cfg.arch.xmem_weight_base();
    const std::uint64_t cycles = offchip_write_cycles(m_cfg, words);
    std::uint64_t k = 0;
    while (k < cycles) {
        std::uint64_t wait = 0;
        while (k + wait < cycles && offchip_word_at(m_cfg, words, k + wait) < 0) ++wait;
        out.emit_n(instruction{}, wait);
        k += wait;
        if (k == cycles) break;
        const auto w = static_cast<unsigned>(offchip_word_at(m_cfg, words, k));
        instruction in;
        in.xmem_en = in.xmem_wr = true;
        in.xmem_addr = base + w;
        offchip_fetch f;
        f.what = activations ? offchip_fetch::kind::activation : offchip_fetch::kind::weight;
        f.otile = s.otile;
        f.itile = s.itile;
        f.band = s.band;
        f.kij = s.kij;
        f.index = w;
        out.emit(in, f);
        ++k;
    }
}

namespace {
instruction blank() { return instruction{}; }
}  // namespace

void instruction_program::run_reference(const schedule_step& s, instruction_sink& out) {
    const arch_keys& A = m_cfg.arch;
    const layer_keys& L = m_cfg.layer;
    const unsigned wb = A.xmem_weight_base();
    const unsigned xl = A.xmem.read_latency;
    const unsigned last_x = A.xmem.words - 1;
    instruction in;
    switch (s.kind) {
    case step_kind::reset:
        in.reset = true;
        out.emit_n(in, s.cycles);
        break;
    case step_kind::idle:
    case step_kind::drain:
    case step_kind::tail:
        out.emit_n(in, s.cycles);
        break;
    case step_kind::write_act:
    case step_kind::write_weight: {
        write_offchip(out, s, s.kind == step_kind::write_act);
        break;
    }
    case step_kind::weight_prefetch:
    case step_kind::act_prefetch:
        for (unsigned j = 0; j < s.cycles; ++j) {
            in = blank();
            in.xmem_en = true;
            in.xmem_addr = std::min(last_x, (s.kind == step_kind::act_prefetch ? s.first : wb) + j);
            out.emit(in, {});
        }
        break;
    case step_kind::weight_to_l0:
    case step_kind::act_to_l0:
        for (unsigned j = 0; j < s.count; ++j) {
            in = blank();
            in.xmem_en = true;
            in.xmem_addr = std::min(last_x, (s.kind == step_kind::act_to_l0 ? s.first : wb) + xl + j);
            in.l0_wr = true;
            out.emit(in, {});
        }
        break;
    case step_kind::load:
    case step_kind::execute:
        in.l0_rd = true;
        (s.kind == step_kind::load ? in.load : in.execute) = true;
        out.emit_n(in, s.cycles);
        break;
    case step_kind::ofifo_prefetch:
        in.ofifo_rd = true;
        out.emit(in, {});
        break;
    case step_kind::ofifo_to_pmem: {
        const unsigned nb = m_plan.band_positions(m_plan.bands[s.band], L);
        for (unsigned j = 0; j <= s.count; ++j) {
            in = blank();
            in.ofifo_rd = true;
            in.pmem_en = in.pmem_wr = true;
            in.pmem_addr = m_plan.psum_base + psum_address(s.kij - m_plan.kernel_groups[s.group].first, s.first + j, nb);
            out.emit(in, {});
        }
        break;
    }
    case step_kind::accumulate_pixel: {
        const layer_keys bs = band_shape(L, m_plan.bands[s.band]);
        const unsigned ow = m_plan.bands[s.band].out_cols;  // band-local pixel s.first
        const kernel_group& kg = m_plan.kernel_groups[s.group];
        const bool last = m_plan.last_contribution(s.itile, s.group);
        in.reset = true;
        out.emit(in, {});
        // The tb checks the previous pixel's sfp_out at the first cycle of the next iteration.
        if (s.first > 0 && last) out.capture(s.band, s.first - 1, s.otile);
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
            out.emit(in, {});
        }
        break;
    }
    default:
        SATLM_ASSERT("satlm/program", false, "step kind {} in a reference schedule", to_string(s.kind));
    }
}

void instruction_program::run_overlapped(const schedule_step& s, instruction_sink& out) {
    const arch_keys& A = m_cfg.arch;
    const unsigned wb = A.xmem_weight_base();
    const unsigned pl = A.pmem.read_latency;
    instruction in;
    switch (s.kind) {
    case step_kind::reset:
        in.reset = true;
        out.emit_n(in, s.cycles);
        return;
    case step_kind::idle:
    case step_kind::tail:
        out.emit_n(in, s.cycles);
        return;
    case step_kind::write_act:
        write_offchip(out, s, true);
        return;
    case step_kind::readout: {
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
            out.emit(in, {});
            // pixel p's output register is valid after the step p + pl + 1 + ls
            if (c >= pl + 1 + ls && c - pl - 1 - ls < s.count)
                out.capture(s.band, static_cast<unsigned>(c - pl - 1 - ls), s.otile);
        }
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
        SATLM_ASSERT("satlm/program", false, "step kind {} in an overlapped schedule", to_string(s.kind));
    }
    const std::uint64_t end = s.start + s.cycles;
    const auto& words = m_tl.words;
    for (std::uint64_t t = out.cycle(); t < end; ++t) {
        in = blank();
        offchip_fetch fetch;
        // xmem / L0 / array side: the job whose window holds t.
        while (m_job < m_tl.jobs.size() && m_tl.jobs[m_job].end <= t) ++m_job;
        if (m_job < m_tl.jobs.size() && m_tl.jobs[m_job].xmem_start <= t) {
            const overlapped_job& j = m_tl.jobs[m_job];
            if (t < j.read_start) {
                const std::int64_t word = offchip_word_at(m_cfg, j.weights, t - j.xmem_start);
                if (word >= 0) {
                    const auto w = static_cast<unsigned>(word);
                    in.xmem_en = in.xmem_wr = true;
                    in.xmem_addr = wb + w;
                    fetch.what = offchip_fetch::kind::weight;
                    fetch.otile = s.otile;
                    fetch.itile = s.itile;
                    fetch.kij = j.kij;
                    fetch.index = w;
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
        bool pop = false;
        if (m_w_wr < words.size() && words[m_w_wr].write_cycle == t) {
            const overlapped_word& w = words[m_w_wr];
            pop = true;
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
        out.emit(in, fetch);
        if (pop) out.ofifo_pop();
    }
}

}  // namespace satlm
