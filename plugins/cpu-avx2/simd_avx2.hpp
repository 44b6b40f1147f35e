// SPDX-License-Identifier: MIT
// AVX2 helpers shared by the kernel files. Include only from files compiled with
// the plugin's ISA flags (never from plugin_entry.cpp).
#pragma once

#include <immintrin.h>

#include <cstdint>

namespace bitnet::avx2 {

inline int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

inline float hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

// One I2_S block is 32 bytes holding 128 codes; group j (0..3) of the block is
// elements 32j..32j+31, stored in bits 7-2j..6-2j of the 32 bytes in order.
// These return the four groups as bytes 0..2, with code 3 already mapped to 1 so
// that "sum of code * q minus sum of q" treats it as weight 0.
struct I2sGroups {
    __m256i g[4];
};

inline I2sGroups i2s_unpack_block(const uint8_t* block) {
    const __m256i mask = _mm256_set1_epi8(0x03);
    __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
    // A field 0b11 has its low bit set: clear its high bit, turning 3 into 1.
    const __m256i low = _mm256_and_si256(b, _mm256_set1_epi8(0x55));
    b = _mm256_andnot_si256(_mm256_add_epi8(low, low), b);
    I2sGroups out;
    out.g[0] = _mm256_and_si256(_mm256_srli_epi16(b, 6), mask);
    out.g[1] = _mm256_and_si256(_mm256_srli_epi16(b, 4), mask);
    out.g[2] = _mm256_and_si256(_mm256_srli_epi16(b, 2), mask);
    out.g[3] = _mm256_and_si256(b, mask);
    return out;
}

// The int32 lane sums of codes x q over one 128-weight I2_S block (32 bytes of
// codes, 128 activations). vpmaddubsw pairs are at most 2*2*128 = 512 in
// magnitude, so the four groups (<= 2048) add in int16 before vpmaddwd widens.
inline __m256i i2s_code_dot_128(const uint8_t* block, const int8_t* q) {
    const I2sGroups c = i2s_unpack_block(block);
    __m256i s = _mm256_maddubs_epi16(c.g[0], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
    s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c.g[1], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32))));
    s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c.g[2], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 64))));
    s = _mm256_add_epi16(s, _mm256_maddubs_epi16(c.g[3], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 96))));
    return _mm256_madd_epi16(s, _mm256_set1_epi16(1));
}

// The sum of n int8 values, n % 32 == 0 (each vpmaddubsw pair <= 256, so the
// int16 lanes hold one 32-byte load before widening).
inline int32_t sum_i8(const int8_t* q, int64_t n) {
    const __m256i ones8 = _mm256_set1_epi8(1), ones16 = _mm256_set1_epi16(1);
    __m256i acc = _mm256_setzero_si256();
    for (int64_t i = 0; i < n; i += 32) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + i));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(ones8, v), ones16));
    }
    return hsum_epi32(acc);
}

// y of the ternary matmul from the exact integer dot of codes {0,1,2} with q:
// ((float)(dot - act_sum)) / act_scale * w_scale, in that order (kernel_plugin.h).
inline float i2s_output(int64_t code_dot, int32_t act_sum, float act_scale, float w_scale) {
    return static_cast<float>(code_dot - act_sum) / act_scale * w_scale;
}

}  // namespace bitnet::avx2
