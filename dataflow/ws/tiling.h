#pragma once
/// The weight-stationary dataflow's tiling: how a layer is split to fit the configured array,
/// FIFOs and SRAMs (shared by both fidelities).
///
/// Loop nest of a run: for each output-channel tile, for each input-channel tile, for each
/// row band: write the band's activations, run the k^2 kernel positions (each streaming the
/// band in FIFO-sized chunks), then accumulate the band's output pixels.

#include "dataflow/tiling_plan.h"
#include "tlm/config.h"

namespace satlm {

/// pmem word holding psum(kij, nij) of a band with `positions` padded positions.
constexpr unsigned psum_address(unsigned kij, unsigned nij, unsigned positions) {
    return kij * positions + nij;
}

/// The pmem word the SFU reads for output pixel (orow, ocol) of a band at kernel position kij:
/// kij * N + (orow + ki) * padded_width + (ocol + kj), as in acc_address.txt.
inline unsigned acc_address(unsigned orow, unsigned ocol, unsigned kij, const layer_keys& band_shape) {
    const unsigned ki = kij / band_shape.kernel, kj = kij % band_shape.kernel;
    return psum_address(kij, (orow + ki) * band_shape.padded_width + (ocol + kj), band_shape.positions());
}

/// Plans the tiling; throws config_error ("impossible geometry: ...") when not even one band
/// of k input rows fits the SRAMs.
tiling_plan plan_tiling(const accel_config& cfg);

}  // namespace satlm
