// SPDX-License-Identifier: MIT
// The AVX-512 int8 x int8 matmul loop (the opt-in int8 output head), shared by
// the VNNI and AVX-512BW kernels through a policy P:
//   P::kStep                      elements per step
//   P::Operand                    one step of weights or activations, prepared
//   P::weights(p, n), P::acts(p, n)  load n <= kStep elements (the rest zero)
//   P::dot(acc, w, x)             int32 lanes += products of the step
//   P::correction(q_sum)          what the accumulated sum exceeds the dot by
// Rows are streamed once per group of up to kQ8Tokens tokens, 8 at a time for
// one token (bandwidth) and 4 x 4 for several (reuse); a tile takes one row from
// each of R equal spans of the range, since one thread keeps more reads in
// flight over several far-apart streams than over one.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>

#include "simd_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kQ8Tokens = 4;
constexpr int64_t kQ8RowBlockBytes = 512 * 1024;  // rows kept in L2 across token groups
constexpr int64_t kQ8PrefetchBytes = 2048;         // ahead in each stream, into L2

inline int32_t sum_q8(const int8_t* q, int64_t k) {
    const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
    __m512i acc = _mm512_setzero_si512();
    for (int64_t i = 0; i < k; i += 64) {
        const int64_t n = k - i < 64 ? k - i : 64;
        const __mmask64 m = n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1;
        // Masked-off bytes load as 0 and bias to 128: subtract 128 for all 64.
        const __m512i biased = _mm512_xor_si512(_mm512_maskz_loadu_epi8(m, q + i), bias);
        acc = _mm512_add_epi64(acc, _mm512_sad_epu8(biased, _mm512_setzero_si512()));
    }
    const int64_t padded = (k + 63) / 64 * 64;
    return static_cast<int32_t>(_mm512_reduce_add_epi64(acc) - 128 * padded);
}

// dots[i][j] for the R rows at rows[i] and T tokens from q (k apart).
template <class P, int R, int T>
void q8_tile(const int8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[R][kQ8Tokens]) {
    __m512i acc[R][T];
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_si512();
        }
    }
    for (int64_t e = 0; e < k; e += P::kStep) {
        const int64_t n = k - e < P::kStep ? k - e : P::kStep;
        typename P::Operand x[T];
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            x[j] = P::acts(q + j * k + e, n);
        }
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            _mm_prefetch(reinterpret_cast<const char*>(rows[i] + e + kQ8PrefetchBytes), _MM_HINT_T1);
            const typename P::Operand wv = P::weights(rows[i] + e, n);
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = P::dot(acc[i][j], wv, x[j]);
            }
        }
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            dots[i][j] = _mm512_reduce_add_epi32(acc[i][j]);
        }
    }
}

template <class P, int R, int T>
void q8_rows(const bitnet_kp_q8_matmul_args* a, int64_t t0, const int32_t* corrections, int64_t begin,
             int64_t end) {
    const int64_t k = a->k;
    auto emit = [&](const int64_t r[], int rows, const int32_t dots[R][kQ8Tokens]) {
        for (int i = 0; i < rows; ++i) {
            for (int j = 0; j < T; ++j) {
                const int32_t dot = dots[i][j] - corrections[j];
                a->y[(t0 + j) * a->ldy + r[i]] =
                    static_cast<float>(dot) * a->w_scale[r[i]] / a->act_scale[t0 + j];
            }
        }
    };
    int32_t dots[R][kQ8Tokens];
    const int64_t span = (end - begin) / R;
    for (int64_t j = 0; j < span; ++j) {
        int64_t r[R];
        const int8_t* rows[R];
        for (int i = 0; i < R; ++i) {
            r[i] = begin + i * span + j;
            rows[i] = a->w + r[i] * k;
        }
        q8_tile<P, R, T>(rows, a->q + t0 * k, k, dots);
        emit(r, R, dots);
    }
    for (int64_t r = begin + R * span; r < end; ++r) {
        const int8_t* row = a->w + r * k;
        q8_tile<P, 1, T>(&row, a->q + t0 * k, k, dots);
        emit(&r, 1, dots);
    }
}

template <class P>
void q8_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_q8_matmul_args*>(raw);
    // With more tokens than one group, rows go in blocks that stay in L2, so the
    // weights come from memory once instead of once per token group.
    const int64_t block =
        a->n_tokens > kQ8Tokens ? kQ8RowBlockBytes / (a->k > 0 ? a->k : 1) + 1 : end - begin;
    for (int64_t r0 = begin; r0 < end; r0 += block) {
        const int64_t r1 = end - r0 < block ? end : r0 + block;
        for (int64_t t0 = 0; t0 < a->n_tokens; t0 += kQ8Tokens) {
            const int64_t tokens = a->n_tokens - t0 < kQ8Tokens ? a->n_tokens - t0 : kQ8Tokens;
            int32_t corrections[kQ8Tokens];
            for (int64_t j = 0; j < tokens; ++j) {
                corrections[j] = P::correction(a->q + (t0 + j) * a->k, a->k);
            }
            switch (tokens) {
                case 1:
                    q8_rows<P, 8, 1>(a, t0, corrections, r0, r1);
                    break;
                case 2:
                    q8_rows<P, 4, 2>(a, t0, corrections, r0, r1);
                    break;
                case 3:
                    q8_rows<P, 4, 3>(a, t0, corrections, r0, r1);
                    break;
                default:
                    q8_rows<P, 4, 4>(a, t0, corrections, r0, r1);
                    break;
            }
        }
    }
}

}  // namespace
}  // namespace bitnet::avx512
