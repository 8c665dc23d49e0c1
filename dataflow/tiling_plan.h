#pragma once
/// How a layer is split onto the configured array, FIFOs and SRAMs: the plan every dataflow
/// returns and every report prints. A dataflow fills it from its own access pattern (the
/// weight-stationary one in dataflow/ws/tiling.h).

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

}  // namespace satlm
