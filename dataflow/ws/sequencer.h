#pragma once
/// Runs a schedule (dataflow/ws/schedule.h) on the accel_core, one step at a time: the
/// instruction_program (dataflow/ws/instruction_program.h) expands each step into the words of
/// its cycles and the sequencer is its sink. It steps the core with them (a run of one word
/// with accel_core::step_n), hands xmem writes the packed off-chip word of the layer and
/// collects the SFU outputs the way the RTL testbench checks sfp_out.
///
/// Each step takes exactly its analytic `cycles` (asserted). In "overlapped" the drain pops
/// follow the band timeline; before every pmem write of an OFIFO word the sequencer checks
/// that the OFIFO really holds it (o_valid), so a timeline that ran ahead of the hardware
/// fails loudly instead of storing wrong data.

#include "pe/accel_core.h"
#include "dataflow/ws/instruction_program.h"
#include "dataflow/ws/schedule.h"
#include "tlm/layer.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace satlm {

class sequencer : private instruction_sink {
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
    // instruction_sink: the program's words step m_core.
    void emit(const instruction& in, const offchip_fetch& fetch) override;
    /// n cycles of `in` (accel_core::step_n: O(1) once nothing can change; per cycle when tracing).
    void emit_n(const instruction& in, std::uint64_t n) override;
    void capture(unsigned band, unsigned pixel, unsigned otile) override;
    void ofifo_pop() override { m_check_valid = true; }
    std::uint64_t cycle() const override { return m_core->cycle(); }

    /// One edge of `in`, after the o_valid check a pending OFIFO pop asks for.
    void step(const instruction& in);
    /// The packed xmem word an off-chip fetch stores (packs the pass's words on first use).
    const std::uint8_t* offchip_word(const offchip_fetch& f);
    void prepare_weights(unsigned otile, unsigned itile, unsigned kij);

    const accel_config& m_cfg;
    const layer_data& m_layer;
    const tiling_plan& m_plan;
    unsigned m_xbytes;
    instruction_program m_program;
    accel_core* m_core = nullptr;  // the core of the step being run
    std::vector<std::uint8_t> m_acts, m_wts;
    // What m_acts / m_wts hold: activations of (itile, band), weights of (otile, itile, kij).
    bool m_acts_valid = false, m_wts_valid = false;
    unsigned m_acts_itile = 0, m_acts_band = 0, m_wts_otile = 0, m_wts_itile = 0, m_wts_kij = 0;
    layer_output m_out, m_sums;
    bool m_check_valid = false;
    std::function<void(const instruction&)> m_on_cycle;
};

}  // namespace satlm
