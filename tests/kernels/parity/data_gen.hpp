// SPDX-License-Identifier: MIT
// Inputs the parity cases are built from: seeded random data in the shapes and
// extremes that break kernels, the I2_S packing written from FORMAT.md, and the
// test's own binary16 conversion (the compiler's half type, independent of any
// plugin's bit arithmetic).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace bitnet::parity {

using Rng = std::mt19937_64;

// GCC 12 has _Float16 in C++ on x86-64 only; aarch64 has the storage type __fp16
// (IEEE format, converted by FCVT with round to nearest even).
#if defined(__aarch64__)
using Half = __fp16;
#else
using Half = _Float16;
#endif

inline float f16_bits_to_float(uint16_t bits) {
    Half h;
    __builtin_memcpy(&h, &bits, sizeof h);
    return static_cast<float>(h);
}

inline uint16_t float_to_f16_bits(float f) {
    const Half h = static_cast<Half>(f);  // round to nearest even
    uint16_t bits;
    __builtin_memcpy(&bits, &h, sizeof bits);
    return bits;
}

inline float round_to_f16(float f) { return f16_bits_to_float(float_to_f16_bits(f)); }

// Activation patterns for float inputs of length n.
enum class Pattern {
    kNormal,     // N(0, 1)
    kWide,       // N(0, 1) times 10^U(-3, 3) per element
    kHuge,       // +-1e30 and +-3e38 mixed with normal values
    kAllEqual,   // one value repeated
    kSpike,      // small values and one element 1e6 times larger
    kZero,       // all zero
    kTiny,       // magnitudes around 1e-30 (below the 1e-5 amax floor)
    kTies,       // amax 127 (so s = 1) and many exact .5 values
};
const char* pattern_name(Pattern p);
std::vector<float> make_floats(Rng& rng, int64_t n, Pattern p);

// Ternary weights: codes 0..3 in row-major [rows x k] order.
enum class Codes {
    kRandom,    // uniform over {0, 1, 2}
    kWithThree, // uniform over {0, 1, 2, 3}: code 3 must read as 0
    kZeroRows,  // random, but every third row all code 1 (0x55 bytes)
    kAllPlus,   // every code 2
    kAllMinus,  // every code 0
};
const char* codes_name(Codes c);
std::vector<uint8_t> make_codes(Rng& rng, int64_t rows, int64_t k, Codes c);

// Packs codes into the I2_S file layout (FORMAT.md "I2_S layout").
std::vector<uint8_t> pack_i2s(const std::vector<uint8_t>& codes, int64_t rows, int64_t k);

// The ternary weight in {-1, 0, +1} of element (r, i) of packed data, read
// straight from the layout description (code 3 reads as 0).
int weight_at(const uint8_t* data, int64_t k, int64_t r, int64_t i);

// int8 activations in a pattern: random, all +127, all -128, alternating
// extremes, all zero, or one spike.
enum class Acts { kRandom, kMaxPos, kMinNeg, kAlternating, kZero, kSpike };
const char* acts_name(Acts a);
std::vector<int8_t> make_acts(Rng& rng, int64_t n, Acts a);

// Random f16 bits: finite values of moderate size, or (with specials) also
// subnormals, signed zeros, infinities and NaNs.
std::vector<uint16_t> make_f16(Rng& rng, int64_t n, float stddev, bool specials);

// A random partition of [0, extent) into chunks, in a random order: running a
// kernel chunk by chunk in that order must give what one call over all gives.
struct Range {
    int64_t begin;
    int64_t end;
};
std::vector<Range> random_split(Rng& rng, int64_t extent);

}  // namespace bitnet::parity
