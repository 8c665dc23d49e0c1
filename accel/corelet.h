#pragma once
/// The corelet of the structural top, as in the RTL: L0 -> PE array -> OFIFO, and the SFU. Each
/// block is its own module with its own clocked process; the corelet binds them producer to
/// consumer and passes its ports through.

#include "accel/array_block.h"
#include "accel/l0_block.h"
#include "accel/ofifo_block.h"
#include "accel/ports.h"
#include "accel/sfu_block.h"

#include <systemc>

namespace satlm {

class corelet : public sc_core::sc_module {
public:
    sc_core::sc_in<bool> clk;      ///< L0, array, OFIFO
    sc_core::sc_in<bool> sfu_clk;  ///< the SFU (gated)
    sc_core::sc_in<instruction_word> inst;
    sc_core::sc_in<byte_lanes> act_in;      ///< Q_xmem -> L0
    sc_core::sc_out<ofifo_bus> psum_out;    ///< OFIFO -> pmem D
    sc_core::sc_in<psum_lanes> q_in;        ///< Q_pmem -> SFU
    sc_core::sc_out<psum_lanes> sum_out;    ///< SFU output register
    sc_core::sc_out<bool> l0_quiet, array_quiet, ofifo_quiet;

    l0_block l0;
    array_block array;
    ofifo_block ofifo;
    sfu_block sfu;

    corelet(const sc_core::sc_module_name& name, unsigned rows, unsigned cols)
        : sc_core::sc_module(name)
        , clk("clk"), sfu_clk("sfu_clk"), inst("inst"), act_in("act_in"), psum_out("psum_out"), q_in("q_in"), sum_out("sum_out")
        , l0_quiet("l0_quiet"), array_quiet("array_quiet"), ofifo_quiet("ofifo_quiet")
        , l0("l0", rows), array("array", rows, cols), ofifo("ofifo", cols), sfu("sfu", cols)
        , m_heads("heads", byte_lanes(rows)), m_south("south", psum_bus(cols)) {
        l0.clk(clk);
        array.clk(clk);
        ofifo.clk(clk);
        sfu.clk(sfu_clk);
        l0.inst(inst);
        array.inst(inst);
        ofifo.inst(inst);
        sfu.inst(inst);
        l0.act_in(act_in);
        l0.act_out(m_heads);
        array.act_in(m_heads);
        array.psum_out(m_south);
        ofifo.psum_in(m_south);
        ofifo.out(psum_out);
        sfu.q_in(q_in);
        sfu.sum_out(sum_out);
        l0.quiet(l0_quiet);
        array.quiet(array_quiet);
        ofifo.quiet(ofifo_quiet);
    }

    /// Starts a layer in every block.
    void start(const arch_keys& arch, const layer_keys& layer) {
        l0.start(arch);
        array.start(arch, layer);
        ofifo.start(arch);
        sfu.start(arch, layer);
    }
    void trace(sc_core::sc_trace_file* tf) const {
        l0.trace(tf);
        array.trace(tf);
        ofifo.trace(tf);
        sfu.trace(tf);
    }

private:
    wire<byte_lanes> m_heads;  ///< L0 -> array
    wire<psum_bus> m_south;    ///< array -> OFIFO
};

}  // namespace satlm
