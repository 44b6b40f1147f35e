// SPDX-License-Identifier: MIT
// The AVX-512 ternary GEMV. i2s_gemv drives a Rows policy over tiles of four
// rows, streaming the weights once in the file's own layout. LutRows is the
// lookup-table path, exact for every byte (code 3 remapped), parameterized by
// how bytes are multiply-accumulated (the Dot policy):
//   Dot::dot4(acc_a, acc_b, codes[4], acts[4]) adds sum(codes[p] * acts[p]) over
//   the four planes into int32 lanes of acc_a and/or acc_b, codes unsigned (0..2)
//   and activations signed.
// The activations (k bytes) stay in L1 and are shuffled to the code layout in
// registers, once per chunk for all four rows. The VNNI kernel has a faster
// Rows policy of its own and falls back to LutRows (i2s_gemv_avx512_vnni.cpp).
#pragma once

#include "i2s_common_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kStreams = 4;
// Software prefetch distance within each stream, into L2.
constexpr int64_t kPrefetchBytes = 2048;

// dots[i] = sum over row i of code * q, for the R rows at rows[i].
template <class Dot, int R>
void gemv_rows(const CodeDecoder& decoder, const uint8_t* const rows[R], const int8_t* q, int64_t k,
               int32_t dots[R]) {
    __m512i acc_a[R];
    __m512i acc_b[R];
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
        acc_a[i] = _mm512_setzero_si512();
        acc_b[i] = _mm512_setzero_si512();
    }
    const int64_t chunks = (k + kChunkWeights - 1) / kChunkWeights;
    for (int64_t c = 0; c < chunks; ++c) {
        const bool lone_block = (c + 1) * kChunkWeights > k;
        __m512i acts[4];
        load_activation_planes(q + c * kChunkWeights, lone_block, acts);
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            const uint8_t* chunk = rows[i] + c * kChunkBytes;
            _mm_prefetch(reinterpret_cast<const char*>(chunk + kPrefetchBytes), _MM_HINT_T1);
            __m512i codes[4];
            decoder.decode(load_codes(chunk, lone_block), codes);
            Dot::dot4(acc_a[i], acc_b[i], codes, acts);
        }
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
        dots[i] = _mm512_reduce_add_epi32(_mm512_add_epi32(acc_a[i], acc_b[i]));
    }
}

// The file-layout path for R rows, as a Rows policy for i2s_gemv below.
template <class Dot>
struct LutRows {
    template <int R>
    static void run(const uint8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[R]) {
        gemv_rows<Dot, R>(CodeDecoder{}, rows, q, k, dots);
    }
};

// y[t*ldy + r] for rows [begin, end) of every token (n_tokens is 1 for the GEMV
// op, but any count is computed correctly). Rows::run<R>(rows, q, k, dots)
// computes dots[i] = sum of code * q (code 3 counting as 1) for the R rows at
// rows[i]. The range is cut into kStreams equal spans walked side by side, one
// row of each per tile: several far-apart sequential streams keep more reads in
// flight than one stream does (one thread read ~13 GB/s from four streams and
// ~9.5 GB/s from one, on this project's Xeon).
template <class Rows>
void i2s_gemv(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k;
    const int64_t row_bytes = k / 4;
    const int64_t span = (end - begin) / kStreams;
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        const int8_t* q = a->q + t * k;
        // Our own sum of q, so the result is the header's exact dot even if a
        // caller's act_sum were stale.
        const int32_t q_sum = sum_i8(q, k);
        const float act_scale = a->act_scale[t];
        float* y = a->y + t * a->ldy;
        for (int64_t j = 0; j < span; ++j) {
            int64_t r[kStreams];
            const uint8_t* rows[kStreams];
            for (int s = 0; s < kStreams; ++s) {
                r[s] = begin + s * span + j;
                rows[s] = w->data + r[s] * row_bytes;
            }
            int32_t dots[kStreams];
            Rows::template run<kStreams>(rows, q, k, dots);
            for (int s = 0; s < kStreams; ++s) {
                y[r[s]] = scale_dot(dots[s] - q_sum, act_scale, w->scale);
            }
        }
        for (int64_t r = begin + kStreams * span; r < end; ++r) {
            const uint8_t* row = w->data + r * row_bytes;
            int32_t dot;
            Rows::template run<1>(&row, q, k, &dot);
            y[r] = scale_dot(dot - q_sum, act_scale, w->scale);
        }
    }
}

}  // namespace
}  // namespace bitnet::avx512
