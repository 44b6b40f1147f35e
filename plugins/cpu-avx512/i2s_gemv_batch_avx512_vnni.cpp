// SPDX-License-Identifier: MIT
// Ternary matmul for a small batch (2..8 tokens, a decode step of several
// sequences) with AVX-512 VNNI. The GEMM kernel decodes codes into an L1 buffer
// and reuses them over a 4x4 register tile, which pays off over a long prompt
// but makes a handful of tokens compute-bound. Here each weight block is read
// from memory once and turned into codes in registers once, then dotted against
// every token's activations (which stay in L1), so the cost per token is only
// the vpdpbusd themselves.
//
// Each 32-byte block is broadcast to both halves of a zmm; a per-half variable
// shift and a mask leave one code (0..2) per byte: bits 7..6 and 5..4 for the
// first operand (elements 0..63 and 64..127 of the block in natural order, like
// the activations), bits 3..2 and 1..0 for the second. Both land at weight 1, so
// one accumulator per (row, token) takes both vpdpbusd.
//
// That form counts code 3 as 3, where the header wants weight 0 (code 1), as in
// i2s_gemv_avx512_vnni.cpp: the loop notes code 3, and the rare row tile that
// had one is redone per token by the lookup-table path, which remaps it. Sums
// are exact integers, so the result is bitwise the GEMV's and cpu-scalar's.
#include "avx512_kernels.hpp"
#include "i2s_gemv_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kBatchTokens = 8;

struct DotVnni {
    static void dot4(__m512i& acc_a, __m512i& acc_b, const __m512i codes[4], const __m512i acts[4]) {
        acc_a = _mm512_dpbusd_epi32(acc_a, codes[0], acts[0]);
        acc_b = _mm512_dpbusd_epi32(acc_b, codes[1], acts[1]);
        acc_a = _mm512_dpbusd_epi32(acc_a, codes[2], acts[2]);
        acc_b = _mm512_dpbusd_epi32(acc_b, codes[3], acts[3]);
    }
};

struct BlockCodes {
    __m512i shift_a = _mm512_inserti64x4(_mm512_set1_epi16(6), _mm256_set1_epi16(4), 1);
    __m512i shift_b = _mm512_inserti64x4(_mm512_set1_epi16(2), _mm256_set1_epi16(0), 1);
    __m512i low2 = _mm512_set1_epi8(0x03);

    // Codes of the block at p for activations [0, 64) and [64, 128) of it.
    void decode(__m512i w, __m512i& a, __m512i& b) const {
        a = _mm512_and_si512(_mm512_srlv_epi16(w, shift_a), low2);
        b = _mm512_and_si512(_mm512_srlv_epi16(w, shift_b), low2);
    }
};

// dots[i][j] = sum over row i of code * q_j (q_j = q + j*k) for the R rows at
// rows[i] and T tokens, or false when a byte held code 3.
template <int R, int T>
bool batch_tile(const uint8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[][kBatchTokens]) {
    const BlockCodes bc;
    __m512i acc[R][T];
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 8
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_si512();
        }
    }
    __m512i seen = _mm512_setzero_si512();
    auto block = [&](const uint8_t* p, int64_t b, int i) __attribute__((always_inline)) {
        const __m512i w = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        seen = note_code3(seen, w);
        __m512i ca, cb;
        bc.decode(w, ca, cb);
#pragma GCC unroll 8
        for (int j = 0; j < T; ++j) {
            const int8_t* x = q + j * k + b * kBlockWeights;
            acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], ca, _mm512_loadu_si512(x));
            acc[i][j] = _mm512_dpbusd_epi32(acc[i][j], cb, _mm512_loadu_si512(x + 64));
        }
    };
    const int64_t blocks = k / kBlockWeights;
    int64_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            const uint8_t* p = rows[i] + b * 32;
            _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes), _MM_HINT_T1);
            block(p, b, i);
            block(p + 32, b + 1, i);
        }
    }
    if (b < blocks) {
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            block(rows[i] + b * 32, b, i);
        }
    }
    if (saw_code3(seen)) {
        return false;
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 8
        for (int j = 0; j < T; ++j) {
            dots[i][j] = _mm512_reduce_add_epi32(acc[i][j]);
        }
    }
    return true;
}

template <int R, int T>
void tile_dots(const uint8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[][kBatchTokens]) {
    if (batch_tile<R, T>(rows, q, k, dots)) {
        return;
    }
    for (int j = 0; j < T; ++j) {
        int32_t d[R];
        LutRows<DotVnni>::run<R>(rows, q + j * k, k, d);
        for (int i = 0; i < R; ++i) {
            dots[i][j] = d[i];
        }
    }
}

// Rows [begin, end) for all T tokens, R rows per tile taken from R equal spans
// of the range (several far-apart streams keep more reads in flight, as in the
// GEMV).
template <int R, int T>
void batch_rows(const bitnet_kp_i2s_matmul_args* a, const int32_t* q_sums, int64_t begin, int64_t end) {
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
        tile_dots<R, T>(rows, a->q, k, dots);
        emit(r, R);
    }
    for (int64_t r = begin + R * span; r < end; ++r) {
        const uint8_t* row = w->data + r * row_bytes;
        tile_dots<1, T>(&row, a->q, k, dots);
        emit(&r, 1);
    }
}

}  // namespace

bool i2s_gemv_batch_vnni(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    if (a->n_tokens < 1 || a->n_tokens > kBatchTokens) {
        return false;
    }
    // Our own sums of q, as in the GEMV.
    int32_t q_sums[kBatchTokens];
    for (int64_t j = 0; j < a->n_tokens; ++j) {
        q_sums[j] = sum_i8(a->q + j * a->w->k, a->w->k);
    }
    // Tiles of R x T accumulators stay within 16 zmm, leaving room for codes,
    // constants and the code-3 mask.
    switch (a->n_tokens) {
        case 1: batch_rows<4, 1>(a, q_sums, begin, end); break;
        case 2: batch_rows<4, 2>(a, q_sums, begin, end); break;
        case 3: batch_rows<4, 3>(a, q_sums, begin, end); break;
        case 4: batch_rows<4, 4>(a, q_sums, begin, end); break;
        case 5: batch_rows<2, 5>(a, q_sums, begin, end); break;
        case 6: batch_rows<2, 6>(a, q_sums, begin, end); break;
        case 7: batch_rows<2, 7>(a, q_sums, begin, end); break;
        default: batch_rows<2, 8>(a, q_sums, begin, end); break;
    }
    return true;
}

}  // namespace bitnet::avx512
