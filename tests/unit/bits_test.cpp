// tlm/bits.h: the fixed-width two's-complement rules of the datapath, checked at the edges of
// every width and against plain modular arithmetic on random values.
#include <boost/test/unit_test.hpp>

#include "tlm/bits.h"

#include <cstdint>
#include <cstdlib>
#include <random>

using namespace satlm;

namespace {
/// SATLM_TEST_SEED reproduces a run; otherwise a fresh seed, printed with --log_level=message.
unsigned test_seed() {
    if (const char* s = std::getenv("SATLM_TEST_SEED")) return static_cast<unsigned>(std::strtoul(s, nullptr, 10));
    return std::random_device{}();
}
}  // namespace

namespace {
/// Reference wrap (bits <= 62): reduce modulo 2^bits into [-2^(bits-1), 2^(bits-1)).
std::int64_t ref_wrap(std::int64_t v, unsigned bits) {
    const std::int64_t m = std::int64_t{1} << bits;
    std::int64_t r = v % m;
    if (r < 0) r += m;
    if (r >= m / 2) r -= m;
    return r;
}
}  // namespace

// The helpers are constexpr: the datapath's rules hold at compile time too.
static_assert(wrap_signed(32768, 16) == -32768);
static_assert(wrap_signed(-32769, 16) == 32767);
static_assert(to_field(-1, 4) == 0xF);
static_assert(sign_extend(0x8, 4) == -8);
static_assert(relu(-3) == 0 && relu(3) == 3);

BOOST_AUTO_TEST_SUITE(bits)

BOOST_AUTO_TEST_CASE(wrap_signed_at_the_edges) {
    BOOST_TEST(wrap_signed(32767, 16) == 32767);
    BOOST_TEST(wrap_signed(32768, 16) == -32768);
    BOOST_TEST(wrap_signed(65535, 16) == -1);
    BOOST_TEST(wrap_signed(65536, 16) == 0);
    BOOST_TEST(wrap_signed(-32768, 16) == -32768);
    BOOST_TEST(wrap_signed(-32769, 16) == 32767);
    BOOST_TEST(wrap_signed(7, 4) == 7);
    BOOST_TEST(wrap_signed(8, 4) == -8);
    BOOST_TEST(wrap_signed(-9, 4) == 7);
    BOOST_TEST(wrap_signed(1, 1) == -1);  // a 1-bit signed field holds 0 and -1
    BOOST_TEST(wrap_signed(0, 1) == 0);
    BOOST_TEST(wrap_signed(INT64_C(1) << 40, 41) == -(INT64_C(1) << 40));
    BOOST_TEST(wrap_signed(-1, 63) == -1);
}

BOOST_AUTO_TEST_CASE(to_field_gives_the_bit_pattern) {
    BOOST_TEST(to_field(-1, 16) == 0xFFFFu);
    BOOST_TEST(to_field(-8, 4) == 0x8u);
    BOOST_TEST(to_field(7, 4) == 0x7u);
    BOOST_TEST(to_field(0x1234, 8) == 0x34u);
    BOOST_TEST(to_field(-32768, 16) == 0x8000u);
    BOOST_TEST(to_field(5, 1) == 1u);
}

BOOST_AUTO_TEST_CASE(sign_extend_interprets_the_top_bit) {
    BOOST_TEST(sign_extend(0xF, 4) == -1);
    BOOST_TEST(sign_extend(0x7, 4) == 7);
    BOOST_TEST(sign_extend(0x8000, 16) == -32768);
    BOOST_TEST(sign_extend(0x7FFF, 16) == 32767);
    BOOST_TEST(sign_extend(0x3, 2) == -1);
    BOOST_TEST(sign_extend(0x2, 2) == -2);
    BOOST_TEST(sign_extend(0x1, 2) == 1);
    // Every 4-bit pattern round-trips through to_field.
    for (std::uint64_t f = 0; f < 16; ++f) BOOST_TEST(to_field(sign_extend(f, 4), 4) == f);
}

BOOST_AUTO_TEST_CASE(relu_clamps_negatives_only) {
    BOOST_TEST(relu(-32768) == 0);
    BOOST_TEST(relu(-1) == 0);
    BOOST_TEST(relu(0) == 0);
    BOOST_TEST(relu(1) == 1);
    BOOST_TEST(relu(32767) == 32767);
    // ReLU acts on the wrapped value: 40000 wraps to a negative 16-bit psum.
    BOOST_TEST(relu(wrap_signed(40000, 16)) == 0);
}

BOOST_AUTO_TEST_CASE(bits_for_and_ceil_div) {
    BOOST_TEST(bits_for(0) == 1u);
    BOOST_TEST(bits_for(1) == 1u);
    BOOST_TEST(bits_for(2) == 2u);
    BOOST_TEST(bits_for(2047) == 11u);
    BOOST_TEST(bits_for(2048) == 12u);
    BOOST_TEST(bits_for(~std::uint64_t{0}) == 64u);
    BOOST_TEST(ceil_div(0, 4) == 0u);
    BOOST_TEST(ceil_div(1, 4) == 1u);
    BOOST_TEST(ceil_div(4, 4) == 1u);
    BOOST_TEST(ceil_div(5, 4) == 2u);
    BOOST_TEST(ceil_div(2048 * 9 + 1, 2048) == 10u);
}

BOOST_AUTO_TEST_CASE(random_values_match_modular_reference) {
    const unsigned seed = test_seed();
    BOOST_TEST_MESSAGE("bits random seed " << seed);
    std::mt19937_64 rng(seed);
    for (int i = 0; i < 20000; ++i) {
        const unsigned bits = 1 + static_cast<unsigned>(rng() % 62);
        const auto v = static_cast<std::int64_t>(rng()) >> (rng() % 64);
        const std::int64_t w = wrap_signed(v, bits);
        BOOST_TEST_REQUIRE(w == ref_wrap(v, bits), "seed " << seed << " v " << v << " bits " << bits);
        BOOST_TEST_REQUIRE(sign_extend(to_field(v, bits), bits) == w, "seed " << seed << " v " << v);
        BOOST_TEST_REQUIRE(to_field(w, bits) == to_field(v, bits), "seed " << seed << " v " << v);
        BOOST_TEST_REQUIRE(bits_for(static_cast<std::uint64_t>(v < 0 ? -(v + 1) : v)) <= 64u);
        const std::uint64_t u = rng() >> (rng() % 64);
        const unsigned n = bits_for(u);
        BOOST_TEST_REQUIRE((n == 64 || (u >> n) == 0), "seed " << seed << " u " << u);
        BOOST_TEST_REQUIRE((n == 1 || (u >> (n - 1)) == 1), "seed " << seed << " u " << u);
    }
}

BOOST_AUTO_TEST_SUITE_END()
