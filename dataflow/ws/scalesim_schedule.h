#pragma once
/// schedule.kind = "scalesim": the weight-stationary layer timed as SCALE-Sim v2 times it
/// (scalesim_timing.h), with satlm's keys mapped onto SCALE-Sim's array and SRAMs.

#include "dataflow/run_result.h"
#include "dataflow/ws/scalesim_timing.h"
#include "tlm/config.h"

namespace satlm {

/// SCALE-Sim's view of the layer: IFMAP sizes padded, as in its topology files.
scalesim_layer scalesim_shape(const layer_keys& L);

/// SCALE-Sim's array and SRAM sizes from satlm's keys: the IFMAP SRAM is xmem below the weight
/// base, the FILTER SRAM xmem from it, the OFMAP SRAM pmem (in kB, at least 1).
scalesim_array scalesim_arch(const accel_config& cfg);

/// The statistics of a scalesim-timed layer: SCALE-Sim's cycles (all compute: CALC mode has no
/// stalls) and its SRAM access counts, in its one-byte words (xmem act/weight reads, pmem writes).
run_stats scalesim_stats(const accel_config& cfg);

}  // namespace satlm
