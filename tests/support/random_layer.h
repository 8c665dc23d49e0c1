#pragma once
/// Random layers for the tests: activations and weights uniform over their whole ranges
/// (weights include the most negative value).

#include "tlm/layer.h"

#include <random>

namespace satlm::test {

template <typename Rng>
layer_data random_layer(const layer_keys& shape, Rng& rng) {
    layer_data d(shape);
    std::uniform_int_distribution<int> act(0, (1 << shape.act_bits) - 1);
    std::uniform_int_distribution<int> w(-(1 << (shape.weight_bits - 1)), (1 << (shape.weight_bits - 1)) - 1);
    for (auto& a : d.act) a = static_cast<std::uint8_t>(act(rng));
    for (auto& x : d.weight) x = static_cast<std::int8_t>(w(rng));
    return d;
}

/// A random convolution: the filters of real networks' layer kinds (1x1, 3x1, 1x3, 2x2, 3x3,
/// 5x5, 7x7) or any other up to 7x7, strides 1..4, maps of the filter plus up to `extra` rows
/// and columns, channels 1..max_channels; one in ten a fully connected layer (1x1 map and
/// filter). Bit widths stay at their defaults.
template <typename Rng>
layer_keys random_conv_shape(Rng& rng, unsigned max_channels, unsigned extra) {
    auto pick = [&rng](unsigned lo, unsigned hi) { return lo + unsigned(rng() % (hi - lo + 1)); };
    static const unsigned kinds[][2] = {{1, 1}, {3, 1}, {1, 3}, {2, 2}, {3, 3}, {5, 5}, {7, 7}};
    layer_keys L;
    L.in_channels = pick(1, max_channels);
    L.out_channels = pick(1, max_channels);
    const unsigned kind = pick(0, 9);
    if (kind < 7) {
        L.kernel_h = kinds[kind][0];
        L.kernel_w = kinds[kind][1];
    } else {
        L.kernel_h = pick(1, 7);
        L.kernel_w = pick(1, 7);
    }
    L.stride = pick(1, 4);
    L.padded_height = L.kernel_h + pick(0, extra);
    L.padded_width = L.kernel_w + pick(0, extra);
    if (pick(0, 9) == 0) L.kernel_h = L.kernel_w = L.padded_height = L.padded_width = 1;  // FC
    return L;
}

inline layer_data random_layer(const layer_keys& shape, unsigned seed) {
    std::mt19937 rng(seed);
    return random_layer(shape, rng);
}

}  // namespace satlm::test
