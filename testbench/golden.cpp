#include "testbench/golden.h"

#include "tlm/bits.h"

#include <Eigen/Dense>

#include <algorithm>
#include <stdexcept>

namespace satlm {

namespace {

// Integer matrices: exact for any layer size (a float32 GEMM is exact only below 2^24).
using int_matrix = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

}  // namespace

layer_output golden_output(const layer_data& layer, bool relu) {
    const layer_keys& L = layer.shape;
    const unsigned kh = L.kernel_h, kw = L.kernel_w, stride = L.stride;
    const unsigned k2 = kh * kw;
    // Output size straight from the convolution's definition: the windows that fit the map.
    const unsigned oh = L.padded_height >= kh ? (L.padded_height - kh) / stride + 1 : 0;
    const unsigned ow = L.padded_width >= kw ? (L.padded_width - kw) / stride + 1 : 0;
    const unsigned O = oh * ow;
    const Eigen::Index depth = Eigen::Index{L.in_channels} * k2;

    // im2col: one row per output pixel, one column per (ic, filter row, filter column); the
    // window of pixel (y, x) starts at input (y * stride, x * stride).
    int_matrix cols(O, depth);
    for (unsigned y = 0; y < oh; ++y)
        for (unsigned x = 0; x < ow; ++x)
            for (unsigned ic = 0; ic < L.in_channels; ++ic)
                for (unsigned fy = 0; fy < kh; ++fy)
                    for (unsigned fx = 0; fx < kw; ++fx) {
                        const unsigned in_row = y * stride + fy, in_col = x * stride + fx;
                        cols(Eigen::Index{y} * ow + x, Eigen::Index{ic} * k2 + fy * kw + fx) =
                            layer.act_at(ic, in_row * L.padded_width + in_col);
                    }
    // Weights as [(ic, kij)][oc].
    int_matrix w(depth, L.out_channels);
    for (unsigned oc = 0; oc < L.out_channels; ++oc)
        for (unsigned ic = 0; ic < L.in_channels; ++ic)
            for (unsigned kij = 0; kij < k2; ++kij)
                w(Eigen::Index{ic} * k2 + kij, oc) = layer.weight_at(oc, ic, kij);

    const int_matrix sums = cols * w;

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
