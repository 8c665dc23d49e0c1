#pragma once
/// How a layer is split onto the configured array, FIFOs and SRAMs: the plan every dataflow
/// returns and every report prints. A dataflow fills it from its own access pattern (the
/// weight-stationary one in dataflow/ws/tiling.h).

#include "tlm/config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace satlm {

/// A rectangle of output pixels, rows [out_row0, out_row0 + out_rows) x columns
/// [out_col0, out_col0 + out_cols), and the padded input rectangle it reads: rows
/// [in_row0, in_row0 + in_rows) x columns [in_col0, in_col0 + in_cols). A band reads
/// (out_rows - 1) x stride + kernel_h rows from out_row0 x stride (the halo rows beyond its own
/// pixels' first ones), likewise in columns; a band that spans a whole dimension reads the
/// whole padded dimension, so an unsplit map is streamed exactly as the vector files lay it out.
struct map_band {
    unsigned out_row0 = 0, out_rows = 0;
    unsigned out_col0 = 0, out_cols = 0;
    unsigned in_row0 = 0, in_rows = 0;
    unsigned in_col0 = 0, in_cols = 0;

    unsigned positions() const { return in_rows * in_cols; }        ///< N_b: band positions
    unsigned out_positions() const { return out_rows * out_cols; }  ///< O_b: band output pixels
    /// The layer's output pixel (onij) of band pixel p (row-major in the band).
    unsigned out_pixel(unsigned p, unsigned out_width) const {
        return (out_row0 + p / out_cols) * out_width + out_col0 + p % out_cols;
    }
    /// The layer's padded position (nij) of band position p (row-major in the band).
    unsigned position(unsigned p, unsigned padded_width) const {
        return (in_row0 + p / in_cols) * padded_width + in_col0 + p % in_cols;
    }
};

/// Consecutive kernel positions kij = first .. first + count - 1 whose psums share one pass
/// of the pmem (psum of slot kij - first at slot x N_b + nij).
struct kernel_group {
    unsigned first = 0;
    unsigned count = 0;
};

struct tiling_plan {
    unsigned pass_in_channels = 0;   ///< input channels per pass: rows x channels per lane
    unsigned pass_out_channels = 0;  ///< output channels per pass: cols
    unsigned in_tiles = 0;           ///< ceil(in_channels / pass_in_channels)
    unsigned out_tiles = 0;          ///< ceil(out_channels / pass_out_channels)
    /// Row-major grid of row_bands x col_bands bands; one band when the map fits.
    std::vector<map_band> bands;
    unsigned row_bands = 1, col_bands = 1;
    /// In kij order; one group of every kernel position unless one output pixel's psums of all
    /// kernel positions do not fit pmem.
    std::vector<kernel_group> kernel_groups;
    unsigned chunk = 0;              ///< max positions streamed per chunk: min(l0.depth, ofifo.depth)
    /// pmem word of the partial-output region: one word per pixel of the band, holding the sum
    /// of the contributions so far when a pixel gets more than one (contributions() > 1).
    unsigned partial_base = 0;
    /// The resource that forced the bands / the chunks ("pmem.words", "xmem.weight_base",
    /// "l0.depth", "ofifo.depth"); empty when the map runs as one band / a band as one chunk.
    std::string band_limit, chunk_limit;
    unsigned psum_base = 0;          ///< pmem word of the first psum (pmem.psum_base)

    unsigned band_positions(const map_band& b, const layer_keys&) const { return b.positions(); }
    unsigned band_out_positions(const map_band& b, const layer_keys&) const { return b.out_positions(); }
    bool split_rows() const { return row_bands > 1; }
    bool split_cols() const { return col_bands > 1; }
    bool split_kernel() const { return kernel_groups.size() > 1; }
    /// Sums the SFU adds into each output pixel, in this order: input tile, then kernel group.
    unsigned contributions() const { return in_tiles * static_cast<unsigned>(kernel_groups.size()); }
    /// Whether contribution (itile, group) is a pixel's first / last one.
    bool first_contribution(unsigned itile, unsigned group) const { return itile == 0 && group == 0; }
    bool last_contribution(unsigned itile, unsigned group) const {
        return itile + 1 == in_tiles && group + 1 == kernel_groups.size();
    }
    /// One line: "2 output tiles x 1 input tile x 3 row bands (9,9,... out rows), chunks of 64",
    /// with "x 2 column bands (..)" and "x 4 kernel groups (..)" when the plan has them.
    std::string describe(const layer_keys& L) const;
};

}  // namespace satlm
