#pragma once
/// Expands a schedule (tlm/schedule.h) into per-cycle instructions for the accel_core, one step
/// at a time, and collects the SFU outputs the way the RTL testbench checks sfp_out.
///
/// Each step takes exactly its analytic `cycles` (asserted). In "overlapped" the drain pops
/// follow the band timeline; before every pmem write of an OFIFO word the sequencer checks
/// that the OFIFO really holds it (o_valid), so a timeline that ran ahead of the hardware
/// fails loudly instead of storing wrong data.

#include "pe/accel_core.h"
#include "dataflow/ws/schedule.h"
#include "tlm/layer.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace satlm {

class sequencer {
public:
    sequencer(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

    /// Runs step `s` of the schedule on `core` (cycle by cycle; steps come in time order, from a
    /// held list or a streamed one) and returns the cycles it took.
    std::uint64_t run_step(const schedule_step& s, accel_core& core);

    /// Outputs after ReLU and the pre-ReLU sums, [onij][oc].
    const layer_output& output() const { return m_out; }
    const layer_output& sums() const { return m_sums; }

    /// Packs the activation words of a pass (one xmem word per band position) into the
    /// internal buffer and returns it (word_bytes() x positions bytes).
    const std::vector<std::uint8_t>& prepare_acts(unsigned itile, unsigned band);
    /// Called after every cycle (tracing); empty = not called.
    void on_cycle(std::function<void(const instruction&)> f) { m_on_cycle = std::move(f); }

private:
    void emit(accel_core& core, const instruction& in);
    /// n cycles of `in` (accel_core::step_n: O(1) once nothing can change; per cycle when tracing).
    void emit_n(accel_core& core, const instruction& in, std::uint64_t n);
    /// Off-chip -> xmem writes of `words` words of `buf` from xmem word `base` (offchip_word_at).
    void write_offchip(accel_core& core, const std::vector<std::uint8_t>& buf, unsigned base, unsigned words);
    void prepare_weights(unsigned otile, unsigned itile, unsigned kij);
    void capture(const accel_core& core, unsigned band, unsigned pixel, unsigned otile);
    void run_reference(const schedule_step& s, accel_core& core);
    void run_overlapped(const schedule_step& s, accel_core& core);

    const accel_config& m_cfg;
    const layer_data& m_layer;
    const tiling_plan& m_plan;
    unsigned m_xbytes;
    std::vector<std::uint8_t> m_acts, m_wts;
    layer_output m_out, m_sums;
    overlapped_band m_tl;
    std::size_t m_job = 0, m_w_rd = 0, m_w_wr = 0, m_w_q = 0;
    bool m_tl_valid = false;  // m_tl is the timeline of pass group (otile, band, itile, group)
    unsigned m_tl_otile = 0, m_tl_band = 0, m_tl_itile = 0, m_tl_group = 0;
    bool m_check_valid = false;
    std::function<void(const instruction&)> m_on_cycle;
};

}  // namespace satlm
