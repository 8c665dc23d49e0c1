#pragma once
/// The golden model: an independent reference for the accelerator's results, written as an
/// im2col GEMM with Eigen (exact: a float or double GEMM only while every partial sum is an
/// integer the mantissa holds, 64-bit integers beyond; then the datapath's wrap-around).
///
/// It shares nothing with the array model but the tensor layout of `tlm/layer.h` (weights
/// [oc][ic][kij] with kij = filter row x kernel_w + filter column), so the
/// tests and `satlm gen` can hold the model against it.
///
/// \code
///   satlm::layer_output ref = satlm::golden_output(layer, true);
///   auto p = satlm::golden_psums(layer, 0, 8, 0, 8, 4);  // [nij][oc] of the centre kij
/// \endcode

#include "tlm/layer.h"

#include <cstdint>
#include <vector>

namespace satlm {

/// Output of the layer: sum over input channels and kernel positions of W x act, wrapped to
/// layer.shape.psum_bits, then ReLU when `relu` is set. [onij][oc]. Any filter size up to the
/// map, stride >= 1: output pixel (y, x) reads the window at (y x stride, x x stride).
layer_output golden_output(const layer_data& layer, bool relu);

/// Psums of one kernel position for a channel tile: [nij * oc_count + (oc - oc0)], the sum over
/// input channels [ic0, ic0 + ic_count) of W[oc][ic][kij] x act[ic][nij], wrapped to psum_bits.
/// Channels past the layer's in/out channels count as zero (padded tiles). Throws
/// std::out_of_range when kij is not a kernel position.
std::vector<std::int64_t> golden_psums(const layer_data& layer, unsigned ic0, unsigned ic_count,
                                       unsigned oc0, unsigned oc_count, unsigned kij);

}  // namespace satlm
