#pragma once
/// The weight-stationary dataflow's tiling: how a layer is split to fit the configured array,
/// FIFOs and SRAMs (shared by both fidelities).
///
/// Loop nest of a run: for each output-channel tile, for each band of the map (rows, then
/// columns), for each input-channel tile, for each kernel group: write the band's activations
/// (once per input tile), run the group's kernel positions (each streaming the band in
/// FIFO-sized chunks), then let the SFU add the group's psums into each output pixel of the
/// band (through the partial region when a pixel gets more than one contribution).

#include "dataflow/tiling_plan.h"
#include "tlm/config.h"

namespace satlm {

/// pmem word holding the psum of kernel slot `slot` (kij - the group's first kij) at band
/// position nij of a band with `positions` padded positions.
constexpr unsigned psum_address(unsigned slot, unsigned nij, unsigned positions) {
    return slot * positions + nij;
}

/// The pmem word the SFU reads for output pixel (orow, ocol) of a band at kernel position kij:
/// (kij - kij0) * N + (orow * stride + ki) * padded_width + (ocol * stride + kj), with
/// ki = kij / kernel_w, kj = kij % kernel_w, N and padded_width the band's (band_shape); as in
/// acc_address.txt for an unsplit layer (kij0 = 0).
inline unsigned acc_address(unsigned orow, unsigned ocol, unsigned kij, const layer_keys& band_shape,
                            unsigned kij0 = 0) {
    const unsigned ki = kij / band_shape.kernel_w, kj = kij % band_shape.kernel_w;
    const unsigned s = band_shape.stride;
    return psum_address(kij - kij0, (orow * s + ki) * band_shape.padded_width + (ocol * s + kj),
                        band_shape.positions());
}

/// Plans the tiling; throws config_error ("impossible geometry: ...") when not even one pass
/// (one output pixel's band with one kernel position) fits the SRAMs.
tiling_plan plan_tiling(const accel_config& cfg);

}  // namespace satlm
