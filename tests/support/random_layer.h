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

inline layer_data random_layer(const layer_keys& shape, unsigned seed) {
    std::mt19937 rng(seed);
    return random_layer(shape, rng);
}

}  // namespace satlm::test
