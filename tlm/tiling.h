#pragma once
/// How a layer is split to fit the configured array, FIFOs and SRAMs (shared by both models
/// and, later, by whole-network runs).
///
/// Loop nest of a run: for each output-channel tile, for each input-channel tile, for each
/// row band: write the band's activations, run the k^2 kernel positions (each streaming the
/// band in FIFO-sized chunks), then accumulate the band's output pixels.

#include "tlm/config.h"

#include <string>
#include <vector>

namespace satlm {

/// A band of output rows [out_row0, out_row0 + out_rows) and the padded input rows it reads
/// (out_rows + k - 1 rows starting at out_row0, i.e. with k-1 halo rows).
struct row_band {
    unsigned out_row0 = 0;
    unsigned out_rows = 0;
    unsigned in_rows(unsigned kernel) const { return out_rows + kernel - 1; }
};

struct tiling_plan {
    unsigned pass_in_channels = 0;   ///< input channels per pass: rows x channels per lane
    unsigned pass_out_channels = 0;  ///< output channels per pass: cols
    unsigned in_tiles = 0;           ///< ceil(in_channels / pass_in_channels)
    unsigned out_tiles = 0;          ///< ceil(out_channels / pass_out_channels)
    std::vector<row_band> bands;     ///< in order; one band when the map fits
    unsigned chunk = 0;              ///< max positions streamed per chunk: min(l0.depth, ofifo.depth)
    unsigned partial_base = 0;       ///< pmem word of the partial-output region (in_tiles > 1)
    unsigned psum_base = 0;          ///< pmem word of the first psum (pmem.psum_base)

    unsigned band_positions(const row_band& b, const layer_keys& L) const { return b.in_rows(L.kernel) * L.padded_width; }
    unsigned band_out_positions(const row_band& b, const layer_keys& L) const { return b.out_rows * L.out_width(); }
    bool split_rows() const { return bands.size() > 1; }
    /// One line: "2 output tiles x 1 input tile x 3 row bands (9,9,... out rows), chunks of 64".
    std::string describe(const layer_keys& L) const;
};

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
