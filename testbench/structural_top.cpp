#include "testbench/structural_top.h"

#include "accel/accelerator.h"
#include "accel/offchip.h"
#include "dataflow/ws/schedule.h"
#include "dataflow/ws/tiling.h"
#include "tlm/report.h"

#include <systemc>

namespace satlm {

namespace {

/// The test bench around the accelerator: the off-chip memory (the vector files' tensors) and
/// one thread that runs the layer as a driver would.
class structural_top : public sc_core::sc_module {
public:
    SC_HAS_PROCESS(structural_top);

    structural_top(const sc_core::sc_module_name& name, const accel_config& cfg, const layer_data& layer,
                   const std::string& vcd)
        : sc_core::sc_module(name)
        , m_cfg(cfg)
        , m_layer(layer)
        , m_where(packed_layout(cfg.layer))
        , dram("dram", layout_end(cfg.layer, m_where))
        , accel("accel", cfg.arch, cfg.layer.psum_bits) {
        accel.offchip.bind(dram.in);
        write_layer_image(m_layer, m_where, dram.bytes());
        if (!vcd.empty()) {
            // SystemC appends ".vcd" itself: strip it so the file lands exactly at `vcd`.
            const bool has_ext = vcd.size() > 4 && vcd.compare(vcd.size() - 4, 4, ".vcd") == 0;
            m_tf = sc_core::sc_create_vcd_trace_file((has_ext ? vcd.substr(0, vcd.size() - 4) : vcd).c_str());
            m_tf->set_time_unit(1, sc_core::SC_PS);
            accel.trace(m_tf);
            const char* flow_names[] = {"flow.otile", "flow.itile", "flow.band", "flow.group", "flow.kij", "flow.chunk", "flow.step"};
            for (unsigned i = 0; i < 7; ++i) sc_core::sc_trace(m_tf, m_flow[i], flow_names[i]);
            accel.on_step([this](const schedule_step& s) {
                const unsigned v[7] = {s.otile, s.itile, s.band, s.group, s.kij, s.chunk, static_cast<unsigned>(s.kind)};
                for (unsigned i = 0; i < 7; ++i) m_flow[i].write(v[i]);
            });
        }
        SC_THREAD(run);
    }
    ~structural_top() override {
        if (m_tf) sc_core::sc_close_vcd_trace_file(m_tf);
    }

    run_result result;

private:
    void run() {
        result = accel.run(m_cfg, m_where);
        result.output = read_output_region(dram.bytes(), m_where.outputs, m_cfg.layer, true);
        result.sums = read_output_region(dram.bytes(), *m_where.sums, m_cfg.layer, false);
        sc_core::sc_stop();
    }

    const accel_config& m_cfg;
    const layer_data& m_layer;
    offchip_layout m_where;

public:
    offchip_memory dram;
    accelerator accel;

private:
    sc_core::sc_trace_file* m_tf = nullptr;
    sc_core::sc_signal<unsigned> m_flow[7];  ///< otile, itile, band, group, kij, chunk, step
};

}  // namespace

run_result run_structural_systemc(const accel_config& cfg, const layer_data& layer, const std::string& vcd_path,
                                  const vcd_window& /*window*/) {
    accel_config c = cfg;
    c.layer = layer.shape;
    // Impossible geometry is a configuration error: found here, before the kernel runs (inside
    // the accelerator's thread it would end the simulation instead).
    (void)build_schedule(c, plan_tiling(c));
    structural_top top("top", c, layer, vcd_path);
    sc_core::sc_start();
    return top.result;
}

}  // namespace satlm
