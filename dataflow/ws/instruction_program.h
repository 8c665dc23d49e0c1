#pragma once
/// The one expansion of a schedule (dataflow/ws/schedule.h) into instruction words: each step
/// becomes the word of every cycle, as the RTL testbench drives it, without touching any
/// datapath. What needs data goes to the sink: the off-chip word an xmem write stores, the
/// cycles after which the SFU output holds a finished pixel, the cycles that pop an OFIFO word.
///
/// Two sinks: the structural controller (accel/controller.h) drives its blocks with the words,
/// the sequencer (dataflow/ws/sequencer.h) steps the stepped core with them. Runs of one word
/// (reset, idle, load, execute) go out as one emit_n, so a sink can step them at once.

#include "dataflow/tiling_plan.h"
#include "dataflow/ws/schedule.h"
#include "pe/instruction.h"
#include "tlm/config.h"

#include <cstdint>

namespace satlm {

/// An xmem word that comes from off-chip: activations of (itile, band position) or weights of
/// (otile, itile, kij, word).
struct offchip_fetch {
    enum class kind : std::uint8_t { none, activation, weight } what = kind::none;
    unsigned otile = 0, itile = 0, band = 0, kij = 0;
    unsigned index = 0;  ///< band position (activation) or weight word
};

/// Where the program's words go: one cycle at a time, or n identical cycles at once.
class instruction_sink {
public:
    virtual ~instruction_sink() = default;
    /// One cycle driving `in` (with the off-chip word its xmem write stores, if any).
    virtual void emit(const instruction& in, const offchip_fetch& fetch) = 0;
    /// n cycles driving `in` (no xmem write).
    virtual void emit_n(const instruction& in, std::uint64_t n) = 0;
    /// After the cycle just emitted the SFU output register holds pixel `pixel` of `band` for
    /// output tile `otile`: read it at the next edge.
    virtual void capture(unsigned band, unsigned pixel, unsigned otile) = 0;
    /// The cycle just emitted pops an OFIFO word into pmem (overlapped drain): the OFIFO must
    /// hold it (o_valid) at the next edge. A sink may check it there.
    virtual void ofifo_pop() {}
    /// Cycles emitted so far (schedule cycles; stalls not counted).
    virtual std::uint64_t cycle() const = 0;
};

class instruction_program {
public:
    instruction_program(const accel_config& cfg, const tiling_plan& plan);

    /// Emits the cycles of step `s` (steps in time order) into `out`.
    void run_step(const schedule_step& s, instruction_sink& out);

private:
    void write_offchip(instruction_sink& out, const schedule_step& s, bool activations);
    void run_reference(const schedule_step& s, instruction_sink& out);
    void run_overlapped(const schedule_step& s, instruction_sink& out);

    const accel_config& m_cfg;
    const tiling_plan& m_plan;
    overlapped_band m_tl;
    std::size_t m_job = 0, m_w_rd = 0, m_w_wr = 0, m_w_q = 0;
    bool m_tl_valid = false;  // m_tl is the timeline of pass group (otile, band, itile, group)
    unsigned m_tl_otile = 0, m_tl_band = 0, m_tl_itile = 0, m_tl_group = 0;
};

}  // namespace satlm
