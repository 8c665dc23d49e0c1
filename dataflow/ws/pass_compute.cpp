#include "dataflow/ws/pass_compute.h"

#include "tlm/bits.h"

#include <algorithm>
#include <stdexcept>

namespace satlm {

pass_compute::pass_compute(const layer_data& layer, const tiling_plan& plan)
    : m_shape(layer.shape)
    , m_cols(plan.pass_out_channels)
    , m_pass_in(plan.pass_in_channels)
    , m_in_tiles(plan.in_tiles)
    , m_out_tiles(plan.out_tiles)
    , m_k2(layer.shape.kernel_positions())
    , m_positions(layer.shape.positions()) {
    const auto& L = m_shape;
    if (m_cols == 0 || m_pass_in == 0 || std::uint64_t{m_in_tiles} * m_pass_in < L.in_channels ||
        std::uint64_t{m_out_tiles} * m_cols < L.out_channels)
        throw std::invalid_argument("pass_compute: the tiling plan does not cover the layer");
    if (layer.act.size() != std::size_t{L.in_channels} * m_positions ||
        layer.weight.size() != std::size_t{L.out_channels} * L.in_channels * m_k2)
        throw std::invalid_argument("pass_compute: tensor sizes do not match the layer shape");
    m_act.assign(layer.act.begin(), layer.act.end());
    m_weight.assign(std::size_t{m_out_tiles} * m_in_tiles * m_k2 * m_cols * m_pass_in, 0);
    for (unsigned oc = 0; oc < L.out_channels; ++oc)
        for (unsigned ic = 0; ic < L.in_channels; ++ic)
            for (unsigned kij = 0; kij < m_k2; ++kij) {
                const unsigned ot = oc / m_cols, c = oc % m_cols;
                const unsigned it = ic / m_pass_in, r = ic % m_pass_in;
                m_weight[((std::size_t{ot} * m_in_tiles + it) * m_k2 + kij) * m_cols * m_pass_in +
                         std::size_t{c} * m_pass_in + r] = layer.weight_at(oc, ic, kij);
            }
}

unsigned pass_compute::columns(unsigned otile) const {
    return std::min(m_cols, m_shape.out_channels - std::min(m_shape.out_channels, otile * m_cols));
}

unsigned pass_compute::channels(unsigned itile) const {
    return std::min(m_pass_in,
                    m_shape.in_channels - std::min(m_shape.in_channels, itile * m_pass_in));
}

namespace {

// o[j] += w0 a0[j] + ... : four rows per sweep keep the output in registers for longer;
// unsigned arithmetic wraps exactly like the psum chain.
template <typename Acc>
void mac_rows4(Acc* __restrict o, const std::uint16_t* __restrict a0,
               const std::uint16_t* __restrict a1, const std::uint16_t* __restrict a2,
               const std::uint16_t* __restrict a3, Acc w0, Acc w1, Acc w2, Acc w3, unsigned n) {
    for (unsigned j = 0; j < n; ++j)
        o[j] = static_cast<Acc>(o[j] + w0 * a0[j] + w1 * a1[j] + w2 * a2[j] + w3 * a3[j]);
}

template <typename Acc>
void mac_row(Acc* __restrict o, const std::uint16_t* __restrict a, Acc w, unsigned n) {
    for (unsigned j = 0; j < n; ++j) o[j] = static_cast<Acc>(o[j] + w * a[j]);
}

}  // namespace

template <typename Acc>
void pass_compute::run(unsigned otile, unsigned itile, unsigned kij, unsigned nij0,
                       unsigned positions, Acc* out, std::size_t stride) const {
    if (otile >= m_out_tiles || itile >= m_in_tiles || kij >= m_k2 ||
        std::uint64_t{nij0} + positions > m_positions || stride < positions)
        throw std::out_of_range("pass_compute::run: pass outside the layer");
    const unsigned cols = columns(otile), rows = channels(itile);
    const std::int16_t* w = weights(otile, itile, kij);
    const std::uint16_t* act = m_act.data() + std::size_t{itile} * m_pass_in * m_positions + nij0;
    const std::size_t n_stride = m_positions;
    for (unsigned c = 0; c < cols; ++c) {
        Acc* __restrict o = out + c * stride;
        std::fill(o, o + positions, Acc{0});
        const std::int16_t* wc = w + std::size_t{c} * m_pass_in;
        unsigned r = 0;
        for (; r + 4 <= rows; r += 4) {
            const std::uint16_t* a = act + r * n_stride;
            mac_rows4<Acc>(o, a, a + n_stride, a + 2 * n_stride, a + 3 * n_stride,
                           static_cast<Acc>(wc[r]), static_cast<Acc>(wc[r + 1]),
                           static_cast<Acc>(wc[r + 2]), static_cast<Acc>(wc[r + 3]), positions);
        }
        for (; r < rows; ++r)
            if (wc[r] != 0) mac_row<Acc>(o, act + r * n_stride, static_cast<Acc>(wc[r]), positions);
    }
}

template void pass_compute::run<std::uint16_t>(unsigned, unsigned, unsigned, unsigned, unsigned,
                                               std::uint16_t*, std::size_t) const;
template void pass_compute::run<std::uint32_t>(unsigned, unsigned, unsigned, unsigned, unsigned,
                                               std::uint32_t*, std::size_t) const;

std::int64_t pass_compute::value(std::uint64_t entry) const {
    return sign_extend(entry, m_shape.psum_bits);
}

std::vector<std::int64_t> pass_compute::psums(unsigned otile, unsigned itile, unsigned kij,
                                              unsigned nij0, unsigned positions) const {
    std::vector<std::int64_t> out(std::size_t{positions} * m_cols, 0);
    auto gather = [&](const auto& plane) {
        for (unsigned c = 0; c < columns(otile); ++c)
            for (unsigned j = 0; j < positions; ++j)
                out[std::size_t{j} * m_cols + c] = value(plane[std::size_t{c} * positions + j]);
    };
    if (wide()) {
        std::vector<std::uint32_t> plane(std::size_t{m_cols} * positions);
        run<std::uint32_t>(otile, itile, kij, nij0, positions, plane.data(), positions);
        gather(plane);
    } else {
        std::vector<std::uint16_t> plane(std::size_t{m_cols} * positions);
        run<std::uint16_t>(otile, itile, kij, nij0, positions, plane.data(), positions);
        gather(plane);
    }
    return out;
}

}  // namespace satlm
