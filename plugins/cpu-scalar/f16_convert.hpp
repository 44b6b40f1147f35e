// SPDX-License-Identifier: MIT
// IEEE 754 binary16 <-> binary32 for the cpu-scalar plugin. The plugin must not
// link the runtime, so it carries its own copy; it is portable bit arithmetic
// (no F16C / FP16 instructions) and is the one place in this plugin that knows
// the binary16 layout.
#pragma once

#include <cstdint>
#include <cstring>

namespace bitnet::scalar {

inline float bits_to_float(uint32_t bits) {
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

inline uint32_t float_to_bits(float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof bits);
    return bits;
}

// Exact widening: every binary16 value, subnormals included, is a binary32 value.
inline float f16_to_f32(uint16_t h) {
    const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1Fu;
    uint32_t mant = h & 0x3FFu;
    if (exp == 0x1F) {  // inf or nan; keep the payload, force quiet
        return bits_to_float(sign | 0x7F800000u | (mant << 13) | (mant ? 0x00400000u : 0u));
    }
    if (exp != 0) {
        return bits_to_float(sign | ((exp + 112u) << 23) | (mant << 13));
    }
    if (mant == 0) {
        return bits_to_float(sign);
    }
    // Subnormal: value = mant * 2^-24; normalise it into a binary32 normal.
    int e = -1;
    do {
        mant <<= 1;
        ++e;
    } while ((mant & 0x400u) == 0);
    return bits_to_float(sign | ((112u - static_cast<uint32_t>(e)) << 23) | ((mant & 0x3FFu) << 13));
}

// Round to nearest, ties to even; overflow gives inf, tiny values give binary16
// subnormals or signed zero; nan stays nan (quiet).
inline uint16_t f32_to_f16(float f) {
    const uint32_t bits = float_to_bits(f);
    const uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
    const uint32_t abs = bits & 0x7FFFFFFFu;
    if (abs >= 0x7F800000u) {  // inf or nan
        if (abs == 0x7F800000u) return static_cast<uint16_t>(sign | 0x7C00u);
        return static_cast<uint16_t>(sign | 0x7E00u | ((abs >> 13) & 0x3FFu));
    }
    const int32_t exp = static_cast<int32_t>(abs >> 23) - 127;  // unbiased
    if (exp > 15) return static_cast<uint16_t>(sign | 0x7C00u);
    uint32_t mant = (abs & 0x7FFFFFu) | 0x800000u;  // 24 significant bits
    int shift;     // how many low bits of mant to drop
    uint32_t base; // biased exponent field before rounding
    if (exp >= -14) {
        shift = 13;
        base = static_cast<uint32_t>(exp + 15);
    } else {
        if (exp < -25) return sign;  // below half the smallest subnormal
        shift = 13 + (-14 - exp);
        base = 0;
    }
    const uint32_t kept = mant >> shift;
    const uint32_t rest = mant & ((1u << shift) - 1u);
    const uint32_t half = 1u << (shift - 1);
    uint32_t rounded = kept;
    if (rest > half || (rest == half && (kept & 1u))) ++rounded;
    // For normals, kept carries the implicit bit (0x400); adding it to the
    // exponent field via (base << 10) + (kept - 0x400) lets a mantissa carry
    // roll into the exponent, including up to inf.
    uint32_t out;
    if (base != 0) {
        out = (base << 10) + (rounded - 0x400u);
    } else {
        out = rounded;  // subnormal; a carry to 0x400 is the smallest normal
    }
    return static_cast<uint16_t>(sign | out);
}

}  // namespace bitnet::scalar
