#pragma once
/// The tensors of one convolution layer, independent of any file format or tiling.

#include "tlm/config.h"

#include <cstdint>
#include <vector>

namespace satlm {

/// Inputs of one layer: the padded activation map and the weights (integers, unpacked).
struct layer_data {
    layer_keys shape;                  ///< channels, padded map, kernel, bit widths
    std::vector<std::uint8_t> act;     ///< [ic * N + nij], unsigned act_bits values
    std::vector<std::int8_t> weight;   ///< [(oc * in_channels + ic) * k^2 + kij], signed

    explicit layer_data(const layer_keys& s = {})
        : shape(s)
        , act(std::size_t{s.in_channels} * s.positions(), 0)
        , weight(std::size_t{s.out_channels} * s.in_channels * s.kernel_positions(), 0) {}

    std::uint8_t& act_at(unsigned ic, unsigned nij) { return act[std::size_t{ic} * shape.positions() + nij]; }
    std::uint8_t act_at(unsigned ic, unsigned nij) const { return act[std::size_t{ic} * shape.positions() + nij]; }
    std::int8_t& weight_at(unsigned oc, unsigned ic, unsigned kij) {
        return weight[(std::size_t{oc} * shape.in_channels + ic) * shape.kernel_positions() + kij];
    }
    std::int8_t weight_at(unsigned oc, unsigned ic, unsigned kij) const {
        return weight[(std::size_t{oc} * shape.in_channels + ic) * shape.kernel_positions() + kij];
    }
};

/// Output values of a layer: [onij * out_channels + oc], psum_bits two's complement values
/// (after ReLU when `relu` is set).
struct layer_output {
    unsigned out_positions = 0;
    unsigned out_channels = 0;
    bool relu = true;
    std::vector<std::int64_t> values;

    std::int64_t at(unsigned onij, unsigned oc) const { return values[std::size_t{onij} * out_channels + oc]; }
    std::int64_t& at(unsigned onij, unsigned oc) { return values[std::size_t{onij} * out_channels + oc]; }
};

}  // namespace satlm
