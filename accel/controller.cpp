#include "accel/controller.h"

#include "sram/sram_core.h"
#include "tlm/report.h"

#include <algorithm>
#include <limits>

namespace satlm {

controller::controller(const sc_core::sc_module_name& name, clock_set& clk, unsigned xmem_word_bytes,
                       sc_core::sc_time period)
    : sc_core::sc_module(name)
    , inst("inst")
    , d_xmem("d_xmem")
    , sum_in("sum_in")
    , l0_quiet("l0_quiet")
    , array_quiet("array_quiet")
    , ofifo_quiet("ofifo_quiet")
    , xmem_wait("xmem_wait")
    , pmem_wait("pmem_wait")
    , offchip("offchip")
    , m_clk(clk)
    , m_xbytes(xmem_word_bytes)
    , m_period(period)
    , m_d(xmem_word_bytes) {
    SC_THREAD(issue_instructions);
}

step_totals controller::run(const accel_config& cfg, const tiling_plan& plan, const offchip_layout& where) {
    m_cfg = &cfg;
    m_plan = &plan;
    m_where = where;
    m_totals = step_totals{};
    m_stalls = stall_causes{};
    m_cycle = 0;
    m_last_blank = true;  // the word the first edge acts on: blank (written at the end of each run)
    m_capture.reset();
    m_start.notify(sc_core::SC_ZERO_TIME);
    sc_core::wait(m_done);
    return m_totals;
}

void controller::issue_instructions() {
    for (;;) {
        sc_core::wait(m_start);
        const std::vector<schedule_step> steps = build_schedule(*m_cfg, *m_plan);
        instruction_program program(*m_cfg, *m_plan);
        for (const schedule_step& s : steps) {
            if (m_on_step) m_on_step(s);
            m_totals.add(s);
            program.run_step(s, *this);
        }
        settle();  // the last edge's finished pixel and stall
        inst.write(instruction_word{});  // the next run's first edge (0) acts on a blank word, as at reset
        m_acting = instruction_word{};
        m_done.notify(sc_core::SC_ZERO_TIME);
    }
}

void controller::emit(const instruction& in, const offchip_fetch& fetch) {
    edge(in, 1, fetch.what != offchip_fetch::kind::none ? &fetch : nullptr);
}

void controller::emit_n(const instruction& in, std::uint64_t n) {
    constexpr std::uint64_t most = std::numeric_limits<std::uint32_t>::max();
    while (n > 0) {
        // A held reset is exact at any length: every block is in its reset state after the first.
        // Blank words are exact once the word the next edge acts on is blank and every block is
        // at its fixed point (the state the next edge starts from: what the ports show now).
        const bool batch = !m_every_cycle && n > 1 && (in.reset || (is_blank(in) && m_last_blank && all_quiet()));
        const std::uint64_t k = batch ? std::min(n, most) : 1;
        edge(in, static_cast<std::uint32_t>(k));
        n -= k;
    }
}

void controller::capture(unsigned band, unsigned pixel, unsigned otile) { m_capture = pending_capture{band, pixel, otile}; }

void controller::edge(const instruction& in, std::uint32_t repeat, const offchip_fetch* fetch) {
    settle();  // first: a stall waits with D_xmem still holding the word the last edge stored
    if (fetch) fetch_word(*fetch);
    instruction_word w;
    w.in = in;
    w.in.xmem_data = nullptr;  // D_xmem travels on its own port
    w.repeat = repeat;
    w.edge = m_cycle + 1;
    inst.write(w);
    // The edge acts on the word registered before this one: gate the clocks of the blocks it
    // leaves alone (an access-free edge of a one-stage memory or SFU changes nothing).
    const instruction& A = m_acting.in;
    const arch_keys& arch = m_cfg->arch;
    const bool corelet_bits = A.reset || A.load || A.execute || A.rearm || A.l0_wr || A.l0_rd || A.ofifo_rd;
    if (corelet_bits || m_every_cycle || !all_quiet()) m_clk.core.tick();
    m_xmem_ticked = A.xmem_en || arch.xmem.read_latency > 1;
    m_pmem_ticked = A.pmem_en || arch.pmem.read_latency > 1;
    if (m_xmem_ticked) m_clk.xmem.tick();
    if (m_pmem_ticked) m_clk.pmem.tick();
    if (A.reset || A.acc || A.acc_load || A.sfu_out || arch.sfu_latency > 1) m_clk.sfu.tick();
    m_acting = w;
    m_ticked = true;
    m_cycle += repeat;
    m_last_blank = is_blank(in);
    if (repeat == 1) sc_core::wait(m_period);
    else sc_core::wait(m_period * static_cast<double>(repeat));
}

void controller::settle() {
    if (m_capture) {
        // The pixel the SFU output register has held since the last edge (the tb's sfp_out check).
        const layer_keys& L = m_cfg->layer;
        const unsigned cols = m_cfg->arch.cols;
        const unsigned o = m_plan->bands[m_capture->band].out_pixel(m_capture->pixel, L.out_width());
        const unsigned oc0 = m_capture->otile * cols;
        const unsigned n = std::min(cols, L.out_channels - oc0);
        const psum_lanes& sums = sum_in.read();
        m_out_buf.resize(std::size_t{n} * 4);
        m_sum_buf.resize(std::size_t{n} * 4);
        for (unsigned c = 0; c < n; ++c) {
            const std::int32_t s = sums.lanes[c];
            const auto r = static_cast<std::uint32_t>(s < 0 ? 0 : s);
            for (unsigned b = 0; b < 4; ++b) {
                m_out_buf[4 * c + b] = static_cast<std::uint8_t>(r >> (8 * b));
                m_sum_buf[4 * c + b] = static_cast<std::uint8_t>(static_cast<std::uint32_t>(s) >> (8 * b));
            }
        }
        const std::uint64_t at = (std::uint64_t{o} * L.out_channels + oc0) * 4;
        offchip_access(tlm::TLM_WRITE_COMMAND, m_where.outputs + at, m_out_buf.data(), n * 4);
        if (m_where.sums) offchip_access(tlm::TLM_WRITE_COMMAND, *m_where.sums + at, m_sum_buf.data(), n * 4);
        m_capture.reset();
    }
    // The memories' delays of the last edge: the whole accelerator holds (the longer wait counts).
    if (!m_ticked) return;
    m_ticked = false;
    const unsigned xw = m_xmem_ticked ? xmem_wait.read() : 0, pw = m_pmem_ticked ? pmem_wait.read() : 0;
    if (xw || pw) {
        const unsigned k = std::max(xw, pw);
        if (xw >= pw) m_stalls.xmem_wait += k;
        else m_stalls.pmem_wait += k;
        sc_core::wait(m_period * static_cast<double>(k));
    }
}

void controller::fetch_word(const offchip_fetch& f) {
    const layer_keys& L = m_cfg->layer;
    const unsigned rows = m_cfg->arch.rows, cpl = L.channels_per_lane();
    const unsigned ic0 = f.itile * m_plan->pass_in_channels;
    std::fill(m_d.lanes.begin(), m_d.lanes.end(), 0);
    // One contiguous read: the input channels ic0 .. ic0 + rows x cpl of one position / (oc, kij).
    const unsigned span = ic0 < L.in_channels ? std::min(rows * cpl, L.in_channels - ic0) : 0;
    m_fetch_buf.assign(std::size_t{rows} * cpl, 0);
    if (f.what == offchip_fetch::kind::activation) {
        const unsigned nij = m_plan->bands[f.band].position(f.index, L.padded_width);
        if (span) offchip_access(tlm::TLM_READ_COMMAND, m_where.activations + std::uint64_t{nij} * L.in_channels + ic0,
                                 m_fetch_buf.data(), span);
        for (unsigned r = 0; r < rows; ++r) {
            unsigned lane = 0;
            for (unsigned h = 0; h < cpl; ++h)
                if (r * cpl + h < span) lane |= unsigned{m_fetch_buf[r * cpl + h]} << (cpl == 2 ? h * 2 : 0);
            sram_core::set_lane(m_d.lanes.data(), r, 4, lane & 0xF);
        }
    } else {
        // Word j feeds column j / cpl: PE(r, c) latches w[c][r] (4-bit), or the low weight
        // (channel 2r) then the high one (2r + 1) in 2-bit mode.
        const unsigned c = f.index / cpl, h = f.index % cpl;
        const unsigned oc = f.otile * m_cfg->arch.cols + c;
        if (oc < L.out_channels && span) {
            const std::uint64_t at =
                m_where.weights + (std::uint64_t{oc} * L.kernel_positions() + f.kij) * L.in_channels + ic0;
            offchip_access(tlm::TLM_READ_COMMAND, at, m_fetch_buf.data(), span);
            for (unsigned r = 0; r < rows; ++r)
                if (r * cpl + h < span) sram_core::set_lane(m_d.lanes.data(), r, 4, m_fetch_buf[r * cpl + h] & 0xFu);
        }
    }
    d_xmem.write(m_d);
}

void controller::offchip_access(tlm::tlm_command cmd, std::uint64_t addr, std::uint8_t* data, unsigned bytes) {
    // The schedule times the off-chip link (offchip.*): a target's annotated delay is not added.
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    m_payload.set_command(cmd);
    m_payload.set_address(addr);
    m_payload.set_data_ptr(data);
    m_payload.set_data_length(bytes);
    m_payload.set_streaming_width(bytes);
    m_payload.set_byte_enable_ptr(nullptr);
    m_payload.set_dmi_allowed(false);
    m_payload.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    offchip->b_transport(m_payload, delay);
    SATLM_ASSERT("satlm/controller", m_payload.is_response_ok(), "off-chip {} of {} bytes at 0x{:x} failed: {}",
                 cmd == tlm::TLM_READ_COMMAND ? "read" : "write", bytes, addr, m_payload.get_response_string());
}

void controller::trace(sc_core::sc_trace_file* tf) const {
    sc_core::sc_trace(tf, inst, inst.name());
    sc_core::sc_trace(tf, d_xmem, d_xmem.name());
}

}  // namespace satlm
