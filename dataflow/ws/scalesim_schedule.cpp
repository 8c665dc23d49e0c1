#include "dataflow/ws/scalesim_schedule.h"

#include "tlm/bits.h"

#include <algorithm>

namespace satlm {

scalesim_layer scalesim_shape(const layer_keys& L) {
    scalesim_layer s;
    s.ifmap_h = L.padded_height;
    s.ifmap_w = L.padded_width;
    s.filter_h = L.kernel_h;
    s.filter_w = L.kernel_w;
    s.channels = L.in_channels;
    s.filters = L.out_channels;
    s.stride = L.stride;
    return s;
}

scalesim_array scalesim_arch(const accel_config& cfg) {
    const accel_config r = cfg.resolved();
    const std::uint64_t xb = ceil_div(r.arch.xmem_width(), 8), pb = ceil_div(r.arch.pmem_width(r.layer.psum_bits), 8);
    auto kb = [](std::uint64_t bytes) { return std::max<std::uint64_t>(1, bytes / 1024); };
    scalesim_array a;
    a.rows = r.arch.rows;
    a.cols = r.arch.cols;
    a.ifmap_sram_kb = kb(std::uint64_t{r.arch.xmem_weight_base()} * xb);
    a.filter_sram_kb = kb(std::uint64_t{r.arch.xmem.words - r.arch.xmem_weight_base()} * xb);
    a.ofmap_sram_kb = kb(std::uint64_t{r.arch.pmem.words} * pb);
    return a;
}

run_stats scalesim_stats(const accel_config& cfg) {
    const scalesim_layer_result s = scalesim_ws_timing(scalesim_shape(cfg.layer), scalesim_arch(cfg));
    run_stats st;
    st.cycles.execute = s.total_cycles - s.stall_cycles;
    st.cycles.stall = s.stall_cycles;
    st.macs = cfg.layer.macs();
    st.xmem.word_bytes = 1;
    st.xmem.act_reads = s.ifmap_sram.count;
    st.xmem.weight_reads = s.filter_sram.count;
    st.xmem.reads = s.ifmap_sram.count + s.filter_sram.count;
    st.xmem.writes = (s.ifmap_dram ? s.ifmap_dram->count : 0) + s.filter_dram_reads;
    st.pmem.word_bytes = 1;
    st.pmem.writes = s.ofmap_sram.count;
    st.passes = s.row_folds * s.col_folds;
    st.simulated_seconds = double(s.total_cycles) * cfg.arch.clock_period_ns * 1e-9;
    return st;
}

}  // namespace satlm
