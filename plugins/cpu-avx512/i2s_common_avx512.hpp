// SPDX-License-Identifier: MIT
// Building blocks of the AVX-512 ternary (I2_S) kernels: decoding 2-bit codes,
// matching activations to the decoded lanes, exact sums and the final scaling.
//
// Everything here has internal linkage on purpose: the VNNI and the plain
// AVX-512BW files both include it with different ISA flags, and a shared inline
// definition could let the linker keep the VNNI-compiled copy for both.
#pragma once

#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include <cstdint>

namespace bitnet::avx512 {
namespace {

constexpr int64_t kBlockWeights = 128;  // I2_S block: 128 weights in 32 bytes
constexpr int64_t kChunkBytes = 64;     // one zmm of packed codes = two blocks
constexpr int64_t kChunkWeights = 256;

// Turns packed bytes into per-lane codes ready for an unsigned x signed byte dot.
//
// A 64-byte chunk holds blocks B and B+1. Plane p (p = 0..3, from bits 7..6 down
// to bits 1..0) of the chunk puts, in lane b, the weight 128*(B + b/32) + 32*p +
// b%32. Codes come out as 0, 1, 2 for weights -1, 0, +1, and the unused code 3
// comes out as 1, i.e. weight 0: the tables below do that remapping for free
// while selecting the bit pair, so the "sum(code*q) - sum(q)" form agrees with
// the reference on every byte, valid or not.
struct CodeDecoder {
    __m512i nibble_mask = _mm512_set1_epi8(0x0F);
    // Indexed by a nibble (two codes): code of its high pair, resp. low pair.
    __m512i high_pair = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 1, 1));
    __m512i low_pair = _mm512_broadcast_i32x4(_mm_setr_epi8(0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2, 1));

    void decode(__m512i bytes, __m512i planes[4]) const {
        const __m512i low = _mm512_and_si512(bytes, nibble_mask);
        const __m512i high = _mm512_and_si512(_mm512_srli_epi16(bytes, 4), nibble_mask);
        planes[0] = _mm512_shuffle_epi8(high_pair, high);
        planes[1] = _mm512_shuffle_epi8(low_pair, high);
        planes[2] = _mm512_shuffle_epi8(high_pair, low);
        planes[3] = _mm512_shuffle_epi8(low_pair, low);
    }
};

// Packed codes of chunk c; a trailing lone block is loaded into the low half with
// zeros above, which decode to code 0 and meet zero activations (see below).
inline __m512i load_codes(const uint8_t* chunk, bool lone_block) {
    return lone_block ? _mm512_maskz_loadu_epi8(0xFFFFFFFFull, chunk) : _mm512_loadu_si512(chunk);
}

// The activations of one chunk (256 weights starting at q), arranged like the
// planes of CodeDecoder: lane b of plane p is q[128*(b/32) + 32*p + b%32].
inline void load_activation_planes(const int8_t* q, bool lone_block, __m512i planes[4]) {
    const __m512i x0 = _mm512_loadu_si512(q);
    const __m512i x1 = _mm512_loadu_si512(q + 64);
    const __m512i y0 = lone_block ? _mm512_setzero_si512() : _mm512_loadu_si512(q + 128);
    const __m512i y1 = lone_block ? _mm512_setzero_si512() : _mm512_loadu_si512(q + 192);
    planes[0] = _mm512_shuffle_i64x2(x0, y0, 0x44);  // x0 low 256 bits, y0 low 256 bits
    planes[1] = _mm512_shuffle_i64x2(x0, y0, 0xEE);  // high halves
    planes[2] = _mm512_shuffle_i64x2(x1, y1, 0x44);
    planes[3] = _mm512_shuffle_i64x2(x1, y1, 0xEE);
}

// Exact sum of k int8 values (k % 64 == 0): bias each byte to unsigned, add
// bytes with vpsadbw, remove the bias.
inline int32_t sum_i8(const int8_t* q, int64_t k) {
    const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
    const __m512i zero = _mm512_setzero_si512();
    __m512i acc = _mm512_setzero_si512();
    for (int64_t i = 0; i < k; i += 64) {
        const __m512i biased = _mm512_xor_si512(_mm512_loadu_si512(q + i), bias);
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(biased, zero));
    }
    return static_cast<int32_t>(_mm512_reduce_add_epi64(acc) - 128 * k);
}

// Lane j of the result is the sum of the 16 lanes of v[j].
inline __m128i reduce4_epi32(__m512i v0, __m512i v1, __m512i v2, __m512i v3) {
    const __m512i a = _mm512_add_epi32(_mm512_unpacklo_epi32(v0, v1), _mm512_unpackhi_epi32(v0, v1));
    const __m512i b = _mm512_add_epi32(_mm512_unpacklo_epi32(v2, v3), _mm512_unpackhi_epi32(v2, v3));
    const __m512i c = _mm512_add_epi32(_mm512_unpacklo_epi64(a, b), _mm512_unpackhi_epi64(a, b));
    const __m256i d = _mm256_add_epi32(_mm512_castsi512_si256(c), _mm512_extracti64x4_epi64(c, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(d), _mm256_extracti128_si256(d, 1));
}

// seen | (bytes & bytes << 1): bit 2j+1 of a byte ends up set iff its pair j
// was code 3 (tested against 0xAA at the end). The shift is a byte add, which
// leaves the port that vpdpbusd needs alone.
inline __m512i note_code3(__m512i seen, __m512i bytes) {
    return _mm512_ternarylogic_epi32(seen, bytes, _mm512_add_epi8(bytes, bytes), 0xF8);
}

inline bool saw_code3(__m512i seen) {
    return _mm512_test_epi8_mask(seen, _mm512_set1_epi8(static_cast<char>(0xAA))) != 0;
}

// The header's output formula; (float)dot is exact for any k the format allows.
inline float scale_dot(int32_t dot, float act_scale, float weight_scale) {
    return static_cast<float>(dot) / act_scale * weight_scale;
}

}  // namespace
}  // namespace bitnet::avx512
