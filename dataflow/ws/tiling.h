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

#include <cstdint>
#include <string>

namespace satlm {

/// Positions one chunk streams: the reference holds a whole chunk in L0 and in the OFIFO
/// (min(l0.depth, ofifo.depth)); the overlapped schedule streams L0 (l0.depth >= rows, checked
/// by the schedule) and bounds a job by the OFIFO (ofifo.depth).
unsigned chunk_positions(const accel_config& cfg);

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

/// A lower bound of the cycles of `plan` in cfg's schedule (reference or overlapped): the
/// cycles the schedule spends for sure (docs/timing.md), per (output tile, input tile) and band
/// of N positions and O pixels: N activation writes and, per kernel position,
///   reference: 3N (activation reads, executes, OFIFO -> pmem writes) + 3C' (weight writes,
///     reads, loads) + 28 + Lx (resets, idles, weight prefetch) + per chunk Lx + R + C + 4
///     (activation prefetch, idles, drain); per kernel group of G positions O + 1 SFU iterations
///     of 3 + G + Lp + S cycles, and per pixel 2 cycles for each contribution after the first
///     (its partial word read, and the previous one's write-back);
///   overlapped: N executes + 2C' weight cycles; per output tile O read-out cycles.
/// The planner times its candidates in this order.
std::uint64_t least_cycles(const accel_config& cfg, const tiling_plan& plan);

/// Plans the tiling: among the band and kernel-group shapes that fit the memories (each
/// schedule's own needs, docs/tiling.md), the one with the fewest cycles; throws config_error ("impossible geometry: ...") when not even one pass
/// (one output pixel's band with one kernel position) fits the SRAMs.
tiling_plan plan_tiling(const accel_config& cfg);

}  // namespace satlm
