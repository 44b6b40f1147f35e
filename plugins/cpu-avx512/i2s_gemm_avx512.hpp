// SPDX-License-Identifier: MIT
// The AVX-512 ternary GEMM loop (many tokens), shared by the VNNI and AVX-512BW
// kernels through a Dot policy:
//   Dot::dot2(acc, c0, x0, c1, x1) returns acc plus, per int32 lane, the sum of
//   the byte products c0*x0 + c1*x1 (codes unsigned 0..2, activations signed).
//
// Weights are decoded once per tile of kGemmRows rows and a slice of k into an
// L1 buffer of codes in natural element order, then reused by every token of a
// span; the int32 partial dots of the tile live on the stack, so the kernel needs
// no heap and no size limit on k or n_tokens. Sums are exact integers, so the
// tiling cannot change a result.
#pragma once

#include <cstring>

#include "i2s_common_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kGemmRows = 4;             // rows decoded together
constexpr int kGemmTokens = 4;           // tokens per register tile
constexpr int64_t kGemmTokenSpan = 128;  // tokens served by one decode
constexpr int64_t kGemmSlice = 4096;     // weights of k decoded at a time

// Codes of `weights` packed weights (a multiple of 128) from `packed`, written in
// natural order: dst[j] is the code of weight j.
inline void decode_natural(const CodeDecoder& decoder, const uint8_t* packed, int64_t weights, uint8_t* dst) {
    for (int64_t c = 0; c * kChunkWeights < weights; ++c) {
        const bool lone_block = (c + 1) * kChunkWeights > weights;
        __m512i planes[4];
        decoder.decode(load_codes(packed + c * kChunkBytes, lone_block), planes);
        // Low halves of the planes are block 2c (planes 0..3 = weights 0..127 of
        // it, 32 each), high halves block 2c+1.
        uint8_t* out = dst + c * kChunkWeights;
        _mm512_storeu_si512(out, _mm512_shuffle_i64x2(planes[0], planes[1], 0x44));
        _mm512_storeu_si512(out + 64, _mm512_shuffle_i64x2(planes[2], planes[3], 0x44));
        if (!lone_block) {
            _mm512_storeu_si512(out + 128, _mm512_shuffle_i64x2(planes[0], planes[1], 0xEE));
            _mm512_storeu_si512(out + 192, _mm512_shuffle_i64x2(planes[2], planes[3], 0xEE));
        }
    }
}

// dots[i*kGemmTokenSpan + j] += sum over `weights` (a multiple of 128) of the
// codes of row i (codes + i*kGemmSlice) times q of token j, for kGemmRows rows and
// T <= kGemmTokens tokens (q rows `ldq` bytes apart).
template <class Dot, int T>
void gemm_tile(const uint8_t* codes, int64_t weights, const int8_t* q, int64_t ldq, int32_t* dots) {
    // Unused tokens keep zero accumulators, so the reduction below is uniform.
    __m512i acc[kGemmRows][kGemmTokens];
#pragma GCC unroll 4
    for (int i = 0; i < kGemmRows; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < kGemmTokens; ++j) {
            acc[i][j] = _mm512_setzero_si512();
        }
    }
    for (int64_t kk = 0; kk < weights; kk += 128) {
        __m512i x0[T];
        __m512i x1[T];
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            x0[j] = _mm512_loadu_si512(q + j * ldq + kk);
            x1[j] = _mm512_loadu_si512(q + j * ldq + kk + 64);
        }
#pragma GCC unroll 4
        for (int i = 0; i < kGemmRows; ++i) {
            const __m512i c0 = _mm512_load_si512(codes + i * kGemmSlice + kk);
            const __m512i c1 = _mm512_load_si512(codes + i * kGemmSlice + kk + 64);
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = Dot::dot2(acc[i][j], c0, x0[j], c1, x1[j]);
            }
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < kGemmRows; ++i) {
        alignas(16) int32_t sums[4];
        _mm_store_si128(reinterpret_cast<__m128i*>(sums),
                        reduce4_epi32(acc[i][0], acc[i][1], acc[i][2], acc[i][3]));
        for (int j = 0; j < T; ++j) {
            dots[i * kGemmTokenSpan + j] += sums[j];
        }
    }
}

template <class Dot>
void gemm_tokens(const uint8_t* codes, int64_t weights, const int8_t* q, int64_t ldq, int64_t n_tokens,
                 int32_t* dots) {
    int64_t j = 0;
    for (; j + kGemmTokens <= n_tokens; j += kGemmTokens) {
        gemm_tile<Dot, kGemmTokens>(codes, weights, q + j * ldq, ldq, dots + j);
    }
    switch (n_tokens - j) {
        case 3:
            gemm_tile<Dot, 3>(codes, weights, q + j * ldq, ldq, dots + j);
            break;
        case 2:
            gemm_tile<Dot, 2>(codes, weights, q + j * ldq, ldq, dots + j);
            break;
        case 1:
            gemm_tile<Dot, 1>(codes, weights, q + j * ldq, ldq, dots + j);
            break;
        default:
            break;
    }
}

template <class Dot>
void i2s_gemm(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k;
    const int64_t row_bytes = k / 4;
    const CodeDecoder decoder;
    alignas(64) uint8_t codes[kGemmRows][kGemmSlice];
    int32_t dots[kGemmRows][kGemmTokenSpan];
    int32_t q_sums[kGemmTokenSpan];

    for (int64_t t0 = 0; t0 < a->n_tokens; t0 += kGemmTokenSpan) {
        const int64_t span = a->n_tokens - t0 < kGemmTokenSpan ? a->n_tokens - t0 : kGemmTokenSpan;
        const int8_t* q = a->q + t0 * k;
        for (int64_t j = 0; j < span; ++j) {
            q_sums[j] = sum_i8(q + j * k, k);
        }
        for (int64_t r0 = begin; r0 < end; r0 += kGemmRows) {
            const int64_t rows = end - r0 < kGemmRows ? end - r0 : kGemmRows;
            std::memset(dots, 0, sizeof dots);
            for (int64_t k0 = 0; k0 < k; k0 += kGemmSlice) {
                const int64_t weights = k - k0 < kGemmSlice ? k - k0 : kGemmSlice;
                for (int64_t i = 0; i < kGemmRows; ++i) {
                    if (i < rows) {
                        decode_natural(decoder, w->data + (r0 + i) * row_bytes + k0 / 4, weights, codes[i]);
                    } else {
                        std::memset(codes[i], 0, static_cast<size_t>(weights));  // adds nothing
                    }
                }
                gemm_tokens<Dot>(&codes[0][0], weights, q + k0, k, span, &dots[0][0]);
            }
            for (int64_t i = 0; i < rows; ++i) {
                for (int64_t j = 0; j < span; ++j) {
                    a->y[(t0 + j) * a->ldy + r0 + i] =
                        scale_dot(dots[i][j] - q_sums[j], a->act_scale[t0 + j], w->scale);
                }
            }
        }
    }
}

}  // namespace
}  // namespace bitnet::avx512
