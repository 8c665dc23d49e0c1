#include "testbench/golden.h"

#include "tlm/bits.h"

#include <Eigen/Dense>

#include <algorithm>
#include <stdexcept>

namespace satlm {

namespace {

template <typename Scalar>
using matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using int_matrix = matrix<std::int64_t>;

/// The largest |sum| any output can reach: depth terms of at most max|act| x max|weight|.
double sum_bound(const layer_data& layer, Eigen::Index depth) {
    unsigned act_max = 0, weight_max = 0;
    for (const auto a : layer.act) act_max = std::max<unsigned>(act_max, a);
    for (const auto w : layer.weight) weight_max = std::max<unsigned>(weight_max, w < 0 ? -int{w} : w);
    return static_cast<double>(depth) * act_max * weight_max;
}

/// The convolution's sums [onij][oc] as an im2col GEMM in Scalar: one row per output pixel,
/// one column per (ic, filter row, filter column); the window of pixel (y, x) starts at input
/// (y x stride, x x stride). Exact whenever every partial sum fits Scalar's integers.
template <typename Scalar>
int_matrix conv_sums(const layer_data& layer, unsigned oh, unsigned ow) {
    const layer_keys& L = layer.shape;
    const unsigned kh = L.kernel_h, kw = L.kernel_w, k2 = kh * kw;
    const Eigen::Index depth = Eigen::Index{L.in_channels} * k2;
    matrix<Scalar> cols(Eigen::Index{oh} * ow, depth);
    for (unsigned y = 0; y < oh; ++y)
        for (unsigned x = 0; x < ow; ++x)
            for (unsigned ic = 0; ic < L.in_channels; ++ic)
                for (unsigned fy = 0; fy < kh; ++fy)
                    for (unsigned fx = 0; fx < kw; ++fx) {
                        const unsigned in_row = y * L.stride + fy, in_col = x * L.stride + fx;
                        cols(Eigen::Index{y} * ow + x, Eigen::Index{ic} * k2 + fy * kw + fx) =
                            static_cast<Scalar>(layer.act_at(ic, in_row * L.padded_width + in_col));
                    }
    // Weights as [(ic, kij)][oc]: column-major, that is the tensor's own [oc][ic][kij] order.
    using weight_matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;
    const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor> w =
        Eigen::Map<const weight_matrix>(layer.weight.data(), depth, L.out_channels).template cast<Scalar>();
    const matrix<Scalar> sums = cols * w;
    return sums.template cast<std::int64_t>();
}

}  // namespace

layer_output golden_output(const layer_data& layer, bool relu) {
    const layer_keys& L = layer.shape;
    // Output size straight from the convolution's definition: the windows that fit the map.
    const unsigned oh = L.padded_height >= L.kernel_h ? (L.padded_height - L.kernel_h) / L.stride + 1 : 0;
    const unsigned ow = L.padded_width >= L.kernel_w ? (L.padded_width - L.kernel_w) / L.stride + 1 : 0;
    const unsigned O = oh * ow;

    // Floating-point GEMMs are several times faster than integer ones, and exact while every
    // partial sum is an integer below the mantissa's limit, whatever the summation order.
    const double bound = sum_bound(layer, Eigen::Index{L.in_channels} * L.kernel_h * L.kernel_w);
    const int_matrix sums = bound < 0x1p24   ? conv_sums<float>(layer, oh, ow)
                            : bound < 0x1p53 ? conv_sums<double>(layer, oh, ow)
                                             : conv_sums<std::int64_t>(layer, oh, ow);

    layer_output out;
    out.out_positions = O;
    out.out_channels = L.out_channels;
    out.relu = relu;
    out.values.resize(std::size_t{O} * L.out_channels);
    for (unsigned onij = 0; onij < O; ++onij)
        for (unsigned oc = 0; oc < L.out_channels; ++oc) {
            // Wrapping the total equals wrapping every partial sum: addition is modular.
            const std::int64_t v = wrap_signed(sums(onij, oc), L.psum_bits);
            out.at(onij, oc) = relu ? satlm::relu(v) : v;
        }
    return out;
}

std::vector<std::int64_t> golden_psums(const layer_data& layer, unsigned ic0, unsigned ic_count,
                                       unsigned oc0, unsigned oc_count, unsigned kij) {
    const layer_keys& L = layer.shape;
    if (kij >= L.kernel_positions())
        throw std::out_of_range("golden_psums: kij " + std::to_string(kij) + " past the kernel");
    const unsigned N = L.positions();
    // Only the real channels enter the GEMM; padded ones contribute zero.
    const unsigned ic_end = std::min(ic0 + ic_count, std::max(ic0, L.in_channels));
    const unsigned oc_end = std::min(oc0 + oc_count, std::max(oc0, L.out_channels));
    const unsigned ics = ic_end - ic0;
    const unsigned ocs = oc_end - oc0;

    int_matrix a(N, ics);
    for (unsigned nij = 0; nij < N; ++nij)
        for (unsigned j = 0; j < ics; ++j) a(nij, j) = layer.act_at(ic0 + j, nij);
    int_matrix w(ics, ocs);
    for (unsigned j = 0; j < ics; ++j)
        for (unsigned c = 0; c < ocs; ++c) w(j, c) = layer.weight_at(oc0 + c, ic0 + j, kij);
    const int_matrix p = a * w;

    std::vector<std::int64_t> out(std::size_t{N} * oc_count, 0);
    for (unsigned nij = 0; nij < N; ++nij)
        for (unsigned c = 0; c < ocs; ++c)
            out[std::size_t{nij} * oc_count + c] = wrap_signed(p(nij, c), L.psum_bits);
    return out;
}

}  // namespace satlm
