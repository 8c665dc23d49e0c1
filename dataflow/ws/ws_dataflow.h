#pragma once
/// The weight-stationary dataflow of the measured RTL: PE(r,c) holds W[c][r] of one kernel
/// position while the activations stream east and the psums south. Tiling in tiling.h, the
/// schedules (`reference`, `overlapped`) in schedule.h, the per-cycle sequencer in
/// sequencer.h, the per-pass functional compute of the LT fidelity in pass_compute.h.

#include "dataflow/dataflow.h"

namespace satlm {

class ws_dataflow final : public dataflow {
public:
    std::string_view name() const override { return "ws"; }
    tiling_plan plan(const accel_config& cfg) const override;
    run_result run(const accel_config& cfg, const layer_data& layer) const override;
    run_stats time(const accel_config& cfg) const override;
};

}  // namespace satlm
