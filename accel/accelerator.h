#pragma once
/// The accelerator as a SystemC component (docs/blocks/accelerator.md): the structural top that
/// mirrors the RTL. A controller issues the instruction word every block reads; xmem's port ->
/// corelet (L0 -> PE array -> OFIFO, SFU) -> pmem's port; the two SRAMs are memory models from
/// the registry (`xmem.model`, `pmem.model`, sram/memory_model.h) reached through TLM-2.0
/// initiator sockets. Every block is a module with its own clocked process and ports.
///
/// The off-chip side is the `offchip` initiator socket: bind a memory (or a bus) that holds the
/// layer's tensors in the layout of accel/offchip.h. run() is blocking and must be called from an
/// SC_THREAD; it runs one layer and writes its outputs off-chip. Elaboration depends only on the
/// architecture keys (and the widest psum to run), so one accelerator runs layer after layer.
///
/// \code
///   satlm::offchip_memory dram("dram", 1 << 20);
///   satlm::accelerator acc("acc", cfg.arch);
///   acc.offchip.bind(dram.in);
///   // in an SC_THREAD:
///   const satlm::offchip_layout where = satlm::packed_layout(cfg.layer);
///   satlm::write_layer_image(layer, where, dram.bytes());
///   satlm::run_result r = acc.run(cfg, where);   // outputs now at where.outputs
/// \endcode

#include "accel/controller.h"
#include "accel/corelet.h"
#include "accel/memory_port.h"
#include "accel/offchip.h"
#include "accel/ports.h"
#include "dataflow/run_result.h"
#include "sram/memory_model.h"

#include <systemc>
#include <tlm>

#include <memory>

namespace satlm {

class accelerator : public sc_core::sc_module {
public:
    tlm::tlm_initiator_socket<> offchip;  ///< to the off-chip memory (tensors in, outputs out)

    /// Elaborates for `arch`; pmem words hold `max_psum_bits`-bit lanes (unless pmem.width_bits
    /// is set). Throws config_error for a memory model name the registry does not know.
    accelerator(const sc_core::sc_module_name& name, const arch_keys& arch, unsigned max_psum_bits = 32);

    /// Runs the layer `cfg` (architecture keys as elaborated; reference or overlapped schedule)
    /// whose tensors are at `where`; writes its outputs (and sums, when `where.sums`) there.
    /// Blocking: call from an SC_THREAD. Returns the statistics and plan; `output` and `sums`
    /// stay empty (they are off-chip), pmem_psums/acc_reads filled as the cycle engine does.
    /// Throws config_error when `cfg` does not fit the elaborated architecture.
    run_result run(const accel_config& cfg, const offchip_layout& where);

    /// Traces every block's ports under its hierarchical name, and makes every cycle an edge.
    void trace(sc_core::sc_trace_file* tf);
    /// Called with each schedule step as it starts (the flow markers of a trace).
    void on_step(std::function<void(const schedule_step&)> f) { ctrl.on_step(std::move(f)); }

    memory_model& xmem_memory() { return *m_xmem; }
    memory_model& pmem_memory() { return *m_pmem; }
    const arch_keys& arch() const { return m_arch; }

private:
    arch_keys m_arch;
    sc_core::sc_time m_period;
    unsigned m_pmem_lane_bits;  ///< the widest psum lane the pmem word holds
    clock_set m_clk;
    wire<instruction_word> m_inst;
    wire<byte_lanes> m_d_xmem, m_xmem_q;
    wire<ofifo_bus> m_ofifo_out;
    wire<psum_lanes> m_pmem_q, m_sfu_sum;
    wire<bool> m_l0_quiet, m_array_quiet, m_ofifo_quiet;
    wire<unsigned> m_xmem_wait, m_pmem_wait;
    std::unique_ptr<memory_model> m_xmem, m_pmem;

public:
    // The blocks, in the order the data flows.
    controller ctrl;        ///< instruction word, clock, off-chip fetches and write-back
    xmem_port xmem;         ///< xmem's port: registered address, read latency, Q
    corelet core;           ///< L0, PE array, OFIFO, SFU
    pmem_port pmem;         ///< pmem's port: D mux, second-port read, Q lanes
};

}  // namespace satlm
