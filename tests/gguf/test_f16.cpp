// SPDX-License-Identifier: MIT
// f32 <-> f16: exhaustive round trip over all halves, round-to-nearest-even at
// every midpoint, and agreement with the compiler's _Float16 where it has one.
#define BOOST_TEST_MODULE gguf_f16
#include <boost/test/unit_test.hpp>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "bitnet/f16.hpp"

using bitnet::f16_to_f32;
using bitnet::f32_to_f16;

namespace {
bool is_nan_half(uint16_t h) { return (h & 0x7c00u) == 0x7c00u && (h & 0x3ffu) != 0; }
}  // namespace

BOOST_AUTO_TEST_CASE(decodes_known_halves) {
    BOOST_TEST(f16_to_f32(0x3c00) == 1.0f);
    BOOST_TEST(f16_to_f32(0xc000) == -2.0f);
    BOOST_TEST(f16_to_f32(0x7bff) == 65504.0f);
    BOOST_TEST(f16_to_f32(0x0400) == std::ldexp(1.0f, -14));
    BOOST_TEST(f16_to_f32(0x0001) == std::ldexp(1.0f, -24));
    BOOST_TEST(f16_to_f32(0x03ff) == std::ldexp(1023.0f, -24));
    BOOST_TEST(f16_to_f32(0x3555) == 0.333251953125f);
    BOOST_TEST(std::isinf(f16_to_f32(0x7c00)));
    BOOST_TEST(std::signbit(f16_to_f32(0x8000)));
    BOOST_TEST(std::isnan(f16_to_f32(0x7e00)));
}

BOOST_AUTO_TEST_CASE(every_half_round_trips) {
    int mismatches = 0;
    for (uint32_t h = 0; h < 65536; ++h) {
        const float f = f16_to_f32(static_cast<uint16_t>(h));
        const uint16_t back = f32_to_f16(f);
        const bool ok = is_nan_half(static_cast<uint16_t>(h))
                            ? is_nan_half(back) && (back & 0x8000u) == (h & 0x8000u)
                            : back == h;
        if (!ok && ++mismatches < 10)
            BOOST_ERROR("half 0x" << std::hex << h << " -> " << f << " -> 0x" << back);
    }
    BOOST_TEST(mismatches == 0);
}

BOOST_AUTO_TEST_CASE(midpoints_round_to_even_and_neighbours_to_nearest) {
    int bad = 0;
    for (uint32_t h = 0; h < 0x7bff; ++h) {  // every pair of adjacent finite positive halves
        for (uint32_t sign : {0u, 0x8000u}) {
            const uint16_t lo = static_cast<uint16_t>(h | sign), hi = static_cast<uint16_t>((h + 1) | sign);
            const float a = f16_to_f32(lo), b = f16_to_f32(hi);
            const float mid = (a + b) / 2;  // exact: halves have 11 significant bits
            const uint16_t even = (h & 1) ? hi : lo;
            const bool ok = f32_to_f16(mid) == even &&
                            f32_to_f16(std::nextafter(mid, a)) == lo &&
                            f32_to_f16(std::nextafter(mid, b)) == hi;
            if (!ok && ++bad < 10) BOOST_ERROR("between 0x" << std::hex << lo << " and 0x" << hi);
        }
    }
    BOOST_TEST(bad == 0);
}

BOOST_AUTO_TEST_CASE(overflow_and_underflow) {
    BOOST_TEST(f32_to_f16(65519.996f) == 0x7bffu);
    BOOST_TEST(f32_to_f16(65520.0f) == 0x7c00u);
    BOOST_TEST(f32_to_f16(-1e10f) == 0xfc00u);
    BOOST_TEST(f32_to_f16(std::numeric_limits<float>::infinity()) == 0x7c00u);
    BOOST_TEST(f32_to_f16(std::ldexp(1.0f, -25)) == 0u);  // tie to even zero
    BOOST_TEST(f32_to_f16(std::nextafter(std::ldexp(1.0f, -25), 1.0f)) == 1u);
    BOOST_TEST(f32_to_f16(std::ldexp(3.0f, -26)) == 1u);
    BOOST_TEST(f32_to_f16(-std::ldexp(1.0f, -30)) == 0x8000u);
    BOOST_TEST(f32_to_f16(std::numeric_limits<float>::denorm_min()) == 0u);
    BOOST_TEST(is_nan_half(f32_to_f16(std::numeric_limits<float>::quiet_NaN())));
    BOOST_TEST(is_nan_half(f32_to_f16(std::bit_cast<float>(0x7f800001u))));  // payload only in low bits
}

BOOST_AUTO_TEST_CASE(agrees_with_compiler_float16_on_random_floats) {
#if defined(__FLT16_MAX__)
    std::mt19937 rng(7);
    int bad = 0;
    for (int i = 0; i < 4'000'000; ++i) {
        uint32_t bits = static_cast<uint32_t>(rng());
        // Half of the samples have exponents around the half range, where rounding happens.
        if (i % 2) bits = (bits & 0x807fffffu) | ((100u + bits % 46u) << 23);
        const float f = std::bit_cast<float>(bits);
        if (std::isnan(f)) continue;
        const uint16_t ref = std::bit_cast<uint16_t>(static_cast<_Float16>(f));
        if (f32_to_f16(f) != ref && ++bad < 10)
            BOOST_ERROR("float bits 0x" << std::hex << std::bit_cast<uint32_t>(f) << ": got 0x"
                                        << f32_to_f16(f) << ", _Float16 gives 0x" << ref);
    }
    BOOST_TEST(bad == 0);
#else
    BOOST_TEST_MESSAGE("compiler has no _Float16; skipped");
#endif
}
