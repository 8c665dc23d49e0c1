#pragma once
/// The functional (untimed) array pass of the loosely-timed model: the psums one kernel-position
/// pass leaves in pmem, computed as a small GEMM instead of cycle by cycle.
///
/// For output tile `otile`, input tile `itile` and kernel position `kij`, column c of the array
/// holds W[otile*C + c][itile*R' + r][kij] in row r (R' = rows, or 2 x rows in 2-bit mode, where
/// a lane carries two channels and a PE two weights), and emits for every streamed position nij
///     psum(nij, c) = sum_r W[c][r] * act[r][nij]      wrapped to psum_bits.
/// Wrap-around is modular, so summing in a 16-bit (psum_bits <= 16) or 32-bit unsigned
/// accumulator and sign-extending at the end gives exactly the column's wrapped chain. Channels
/// and columns past the layer's edge are the zero padding of the last tile; they are skipped.
///
/// Does not model: timing, the skew, FIFOs or the pmem layout (see testbench/lt_model).
///
/// \code
///   satlm::pass_compute pc(layer, plan);
///   std::vector<std::uint16_t> plane(plan.pass_out_channels * n);
///   pc.run<std::uint16_t>(0, 0, kij, nij0, n, plane.data(), n);  // plane[c * n + j]
///   std::int64_t v = pc.value(plane[c * n + j]);                   // signed, wrapped
/// \endcode

#include "dataflow/ws/tiling.h"
#include "tlm/layer.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace satlm {

class pass_compute {
public:
    /// Prepares `layer` (widened activations, weights packed per pass) for the passes of `plan`.
    pass_compute(const layer_data& layer, const tiling_plan& plan);

    /// True when psum_bits > 16: planes must use std::uint32_t, else std::uint16_t.
    bool wide() const { return m_shape.psum_bits > 16; }
    /// Columns of output tile `otile` that hold real output channels.
    unsigned columns(unsigned otile) const;
    /// Input channels of tile `itile` that are real (not zero padding).
    unsigned channels(unsigned itile) const;

    /// Psums of one pass for the `positions` padded positions starting at `nij0`, written to
    /// out[c * stride + j] (j = 0..positions-1) for the real columns c < columns(otile), modulo
    /// 2^(bits of Acc). Acc is std::uint16_t (psum_bits <= 16) or std::uint32_t.
    template <typename Acc>
    void run(unsigned otile, unsigned itile, unsigned kij, unsigned nij0, unsigned positions,
             Acc* out, std::size_t stride) const;

    /// The same pass as signed psum_bits values in the hardware's pmem layout [j][col], all
    /// array columns (padding columns are 0). For tests and checks, not the fast path.
    std::vector<std::int64_t> psums(unsigned otile, unsigned itile, unsigned kij, unsigned nij0,
                                    unsigned positions) const;

    /// A plane entry as the signed psum_bits value the hardware holds.
    std::int64_t value(std::uint64_t entry) const;

    const layer_keys& shape() const { return m_shape; }

private:
    const std::int16_t* weights(unsigned otile, unsigned itile, unsigned kij) const {
        return m_weight.data() +
               ((std::size_t{otile} * m_in_tiles + itile) * m_k2 + kij) * m_cols * m_pass_in;
    }

    layer_keys m_shape;
    unsigned m_cols = 0;      // array columns = output channels per pass
    unsigned m_pass_in = 0;   // input channels per pass
    unsigned m_in_tiles = 0;
    unsigned m_out_tiles = 0;
    unsigned m_k2 = 0;
    unsigned m_positions = 0;
    std::vector<std::uint16_t> m_act;    // [ic][nij], widened once for the vector loops
    std::vector<std::int16_t> m_weight;  // [otile][itile][kij][c][r], zero-padded
};

extern template void pass_compute::run<std::uint16_t>(unsigned, unsigned, unsigned, unsigned,
                                                      unsigned, std::uint16_t*,
                                                      std::size_t) const;
extern template void pass_compute::run<std::uint32_t>(unsigned, unsigned, unsigned, unsigned,
                                                      unsigned, std::uint32_t*,
                                                      std::size_t) const;

}  // namespace satlm
