#pragma once
/// The weight-stationary cycle model without a kernel: the accel_core stepped cycle by cycle by
/// the sequencer. Reentrant (no shared state): networks, sweeps and tests call it many times,
/// from several threads. The SystemC cycle top (testbench/cycle_top) steps the same objects.

#include "dataflow/run_result.h"
#include "dataflow/ws/schedule.h"
#include "pe/accel_core.h"

#include <vector>

namespace satlm {

/// Runs the layer on the cycle engine without the SystemC kernel. The schedule streams: the
/// steps of one group of each kind are built and replayed for every group (lt_program), so a
/// layer of any size holds a few thousand steps, not millions.
run_result run_cycle_engine(const accel_config& cfg, const layer_data& layer, const tiling_plan& plan);

/// Stats of a finished run: schedule buckets (asserted equal to the stepped cycles); everything
/// else measured on the cores (SRAM traffic, FIFO high water, first-psum latencies).
run_stats collect_stats(const accel_config& cfg, const layer_data& layer, const step_totals& steps,
                        const accel_core& core);
run_stats collect_stats(const accel_config& cfg, const layer_data& layer,
                        const std::vector<schedule_step>& steps, const accel_core& core);

/// Runs whose pmem holds every psum of the layer in the files' layout when they finish.
bool memories_comparable(const accel_config& cfg, const tiling_plan& plan);

/// After the run: the psums pmem holds and the addresses the SFU read (see run_result).
void capture_memories(const accel_config& cfg, const tiling_plan& plan, const accel_core& core, run_result& r);

}  // namespace satlm
