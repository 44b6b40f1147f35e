// SPDX-License-Identifier: MIT
// binary16 <-> binary32 by bit manipulation; see bitnet/f16.hpp for the contract.
#include "bitnet/f16.hpp"

#include <bit>

namespace bitnet {

uint16_t f32_to_f16(float f) {
    const uint32_t x = std::bit_cast<uint32_t>(f);
    const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
    const uint32_t ax = x & 0x7fffffffu;

    if (ax >= 0x7f800000u) {  // infinity or NaN
        if (ax == 0x7f800000u) return sign | 0x7c00u;
        return static_cast<uint16_t>(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
    }
    if (ax < 0x38800000u) {  // below 2^-14: a half subnormal (or zero)
        if (ax < 0x33000000u) return sign;  // below 2^-25: rounds to zero (2^-25 ties to 0)
        const uint32_t exp = ax >> 23;
        const uint32_t mant = (ax & 0x7fffffu) | 0x800000u;
        // The value is mant * 2^(exp-150); in units of 2^-24 that is mant >> (126 - exp).
        const uint32_t shift = 126u - exp;
        uint32_t r = mant >> shift;
        const uint32_t rem = mant & ((1u << shift) - 1u);
        const uint32_t half = 1u << (shift - 1u);
        if (rem > half || (rem == half && (r & 1u))) ++r;  // may carry into the smallest normal
        return static_cast<uint16_t>(sign | r);
    }
    // Normal: rebias the exponent (127 -> 15) and drop 13 mantissa bits. A carry
    // out of the mantissa correctly bumps the exponent, up to infinity.
    // The rounding increment is computed, not branched on: its condition is
    // data-random, and the KV cache converts thousands of values per token.
    uint32_t r = (ax >> 13) - (112u << 10);
    const uint32_t rem = ax & 0x1fffu;
    r += static_cast<uint32_t>(rem > 0x1000u) | (static_cast<uint32_t>(rem == 0x1000u) & r & 1u);
    r = r < 0x7c00u ? r : 0x7c00u;
    return static_cast<uint16_t>(sign | r);
}

void f32_to_f16(const float* src, uint16_t* dst, size_t n) {
    for (size_t i = 0; i < n; ++i) dst[i] = f32_to_f16(src[i]);
}

float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    if (exp == 0x1f) return std::bit_cast<float>(sign | 0x7f800000u | (mant << 13));
    if (exp != 0) return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (mant << 13));
    if (mant == 0) return std::bit_cast<float>(sign);
    // Subnormal: shift the leading one into the implicit bit position.
    uint32_t e = 113;
    while ((mant & 0x400u) == 0) {
        mant <<= 1;
        --e;
    }
    return std::bit_cast<float>(sign | (e << 23) | ((mant & 0x3ffu) << 13));
}

}  // namespace bitnet
