#pragma once
/// Fixed-width two's-complement helpers: the arithmetic rules of the datapath in one place.

#include <cstdint>

namespace satlm {

/// Wraps v to a `bits`-wide two's-complement value (bits in 1..63), as a register would.
constexpr std::int64_t wrap_signed(std::int64_t v, unsigned bits) {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    const std::uint64_t u = static_cast<std::uint64_t>(v) & mask;
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return static_cast<std::int64_t>(u ^ sign) - static_cast<std::int64_t>(sign);
}

/// The `bits`-wide field value of v as an unsigned bit pattern (two's complement for v < 0).
constexpr std::uint64_t to_field(std::int64_t v, unsigned bits) {
    return static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << bits) - 1);
}

/// Interprets an unsigned `bits`-wide field as two's complement.
constexpr std::int64_t sign_extend(std::uint64_t field, unsigned bits) {
    return wrap_signed(static_cast<std::int64_t>(field), bits);
}

/// ReLU on a wrapped psum.
constexpr std::int64_t relu(std::int64_t v) { return v < 0 ? 0 : v; }

/// Smallest number of bits that can hold the unsigned value v (at least 1).
constexpr unsigned bits_for(std::uint64_t v) {
    unsigned n = 1;
    while (n < 64 && (v >> n) != 0) ++n;
    return n;
}

constexpr std::uint64_t ceil_div(std::uint64_t a, std::uint64_t b) { return (a + b - 1) / b; }

}  // namespace satlm
