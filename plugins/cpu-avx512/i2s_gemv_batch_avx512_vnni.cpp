// SPDX-License-Identifier: MIT
// Ternary matmul for a small batch (2..8 tokens, a decode step of several
// sequences) with AVX-512 VNNI. The GEMM kernel decodes codes into an L1 buffer
// and reuses them over a 4x4 register tile, which pays off over a long prompt
// but makes a handful of tokens compute-bound. Here each 64-byte chunk of a row
// is read from memory once and turned into code planes in registers once
// (CodeDecoder: one shift, two ands, four vpshufb), then dotted against every
// token's activations, so the cost per token is only its four vpdpbusd.
//
// The activations are rearranged into the planes' order once per call
// (load_activation_planes, per token and chunk, into a buffer that stays in L1)
// rather than shuffled again for every row. The decode runs on the shuffle port
// and leaves the vpdpbusd port to the dots, which bound this loop: an earlier
// form that decoded with variable shifts spent that port on them too.
//
// CodeDecoder's tables count code 3 as weight 0, as the header wants, so every
// byte is exact without a fallback. Sums are exact integers, so the result is
// bitwise the GEMV's and cpu-scalar's.
#include <memory>
#include <new>

#include "avx512_kernels.hpp"
#include "i2s_gemv_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kBatchTokens = 8;

// dots[i][j] = sum over row i of code * q_j for the R rows at rows[i] and T
// tokens whose activation planes are at planes + j * plane_stride.
template <int R, int T>
void tile_dots(const CodeDecoder& decoder, const uint8_t* const rows[R], const int8_t* planes,
               int64_t plane_stride, int64_t k, int32_t dots[][kBatchTokens]) {
    __m512i acc[R][T];
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 8
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_si512();
        }
    }
    const int64_t chunks = (k + kChunkWeights - 1) / kChunkWeights;
    for (int64_t c = 0; c < chunks; ++c) {
        const bool lone_block = (c + 1) * kChunkWeights > k;
        const int8_t* x = planes + c * kChunkWeights;
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            const uint8_t* chunk = rows[i] + c * kChunkBytes;
            _mm_prefetch(reinterpret_cast<const char*>(chunk + kPrefetchBytes), _MM_HINT_T1);
            __m512i codes[4];
            decoder.decode(load_codes(chunk, lone_block), codes);
#pragma GCC unroll 8
            for (int j = 0; j < T; ++j) {
                const int8_t* xj = x + j * plane_stride;
#pragma GCC unroll 4
                for (int p = 0; p < 4; ++p) {
                    acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], codes[p], _mm512_load_si512(xj + 64 * p));
                }
            }
        }
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 8
        for (int j = 0; j < T; ++j) {
            dots[i][j] = _mm512_reduce_add_epi32(acc[i][j]);
        }
    }
}

// Rows [begin, end) for all T tokens, R rows per tile taken from R equal spans
// of the range (several far-apart streams keep more reads in flight, as in the
// GEMV).
template <int R, int T>
void batch_rows(const bitnet_kp_i2s_matmul_args* a, const int8_t* planes, int64_t plane_stride,
                const int32_t* q_sums, int64_t begin, int64_t end) {
    const CodeDecoder decoder;
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k;
    const int64_t row_bytes = k / 4;
    int32_t dots[R][kBatchTokens];
    auto emit = [&](const int64_t r[], int n) {
        for (int i = 0; i < n; ++i) {
            for (int j = 0; j < T; ++j) {
                a->y[j * a->ldy + r[i]] = scale_dot(dots[i][j] - q_sums[j], a->act_scale[j], w->scale);
            }
        }
    };
    const int64_t span = (end - begin) / R;
    for (int64_t s = 0; s < span; ++s) {
        int64_t r[R];
        const uint8_t* rows[R];
        for (int i = 0; i < R; ++i) {
            r[i] = begin + i * span + s;
            rows[i] = w->data + r[i] * row_bytes;
        }
        tile_dots<R, T>(decoder, rows, planes, plane_stride, k, dots);
        emit(r, R);
    }
    for (int64_t r = begin + R * span; r < end; ++r) {
        const uint8_t* row = w->data + r * row_bytes;
        tile_dots<1, T>(decoder, &row, planes, plane_stride, k, dots);
        emit(&r, 1);
    }
}

}  // namespace

bool i2s_gemv_batch_vnni(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    if (a->n_tokens < 1 || a->n_tokens > kBatchTokens) {
        return false;
    }
    const int64_t k = a->w->k;
    const int64_t chunks = (k + kChunkWeights - 1) / kChunkWeights;
    const int64_t plane_stride = chunks * kChunkWeights;
    // Aligned, so the inner loop's loads never split a cache line.
    struct AlignedFree {
        void operator()(int8_t* p) const { ::operator delete[](p, std::align_val_t{64}); }
    };
    std::unique_ptr<int8_t[], AlignedFree> planes(
        new (std::align_val_t{64}, std::nothrow) int8_t[static_cast<size_t>(a->n_tokens * plane_stride)]);
    if (!planes) {
        return false;  // the caller's GEMM path needs no buffer of this kind
    }
    // Our own sums of q, as in the GEMV; the lone block's empty upper half is
    // zeros, which add nothing to any dot.
    int32_t q_sums[kBatchTokens];
    for (int64_t j = 0; j < a->n_tokens; ++j) {
        const int8_t* q = a->q + j * k;
        q_sums[j] = sum_i8(q, k);
        for (int64_t c = 0; c < chunks; ++c) {
            __m512i p[4];
            load_activation_planes(q + c * kChunkWeights, (c + 1) * kChunkWeights > k, p);
            int8_t* out = planes.get() + j * plane_stride + c * kChunkWeights;
            for (int i = 0; i < 4; ++i) {
                _mm512_store_si512(out + 64 * i, p[i]);
            }
        }
    }
    // Tiles of R x T accumulators stay within 16 zmm, leaving room for the
    // code planes and the decoder's constants.
    const int8_t* pl = planes.get();
    switch (a->n_tokens) {
        case 1: batch_rows<4, 1>(a, pl, plane_stride, q_sums, begin, end); break;
        case 2: batch_rows<4, 2>(a, pl, plane_stride, q_sums, begin, end); break;
        case 3: batch_rows<4, 3>(a, pl, plane_stride, q_sums, begin, end); break;
        case 4: batch_rows<4, 4>(a, pl, plane_stride, q_sums, begin, end); break;
        case 5: batch_rows<2, 5>(a, pl, plane_stride, q_sums, begin, end); break;
        case 6: batch_rows<2, 6>(a, pl, plane_stride, q_sums, begin, end); break;
        case 7: batch_rows<2, 7>(a, pl, plane_stride, q_sums, begin, end); break;
        default: batch_rows<2, 8>(a, pl, plane_stride, q_sums, begin, end); break;
    }
    return true;
}

}  // namespace bitnet::avx512
