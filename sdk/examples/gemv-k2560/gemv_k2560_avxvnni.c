// SPDX-License-Identifier: MIT
/* Ternary GEMV (I2_S weights x int8 activations) with AVX-VNNI, tuned for the
 * hidden width of BitNet b1.58 2B-4T, K = 2560 (20 blocks of 128 weights).
 *
 * Why it can beat the built-in cpu-avx2 kernel: on CPUs with AVX-VNNI (the
 * VEX-encoded vpdpbusd of Alder Lake and later, also found without AVX-512),
 * one vpdpbusd multiplies unsigned codes by signed activations and accumulates
 * in int32, where plain AVX2 needs vpmaddubsw, vpaddw and vpmaddwd. Four output
 * rows share every activation load, and with K fixed at compile time the block
 * loop has a known trip count the compiler unrolls. Every other K runs the same
 * code with K read at run time, so the kernel is correct for any K % 128 == 0.
 *
 * Exactness: codes {0,1,2} (3 is turned into 1, weight 0) times q in [-128, 127]
 * summed in int32 cannot overflow for any K the format allows. The weight is
 * code - 1, so dot = sum(code * q) - sum(q) exactly, and the output is formed as
 * kernel_plugin.h specifies, (float)dot / act_scale * scale: the same two
 * roundings as the reference, so results match cpu-scalar bit for bit. */
#include <immintrin.h>

#include "kernels.h"

enum { kBlock = 128, kBlockBytes = 32, kRowsPerStep = 4, kWidth2B4T = 2560 };

static inline int32_t hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_unpackhi_epi64(s, s));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x1));
    return _mm_cvtsi128_si32(s);
}

/* acc += code * q over one 128-weight block of one row. Byte j of the block holds
 * the codes of elements j, 32+j, 64+j and 96+j in bits 7-6, 5-4, 3-2 and 1-0. */
static inline __m256i block_dot(__m256i acc, const uint8_t *bytes, const __m256i q[4]) {
    const __m256i two_bits = _mm256_set1_epi8(0x03);
    __m256i w = _mm256_loadu_si256((const __m256i *)bytes);
    /* In a field 0b11 the low bit, moved up one place, clears the high bit: 3 -> 1.
     * Fields 00, 01 and 10 have nothing to clear. */
    const __m256i low_bits = _mm256_and_si256(w, _mm256_set1_epi8(0x55));
    w = _mm256_andnot_si256(_mm256_add_epi8(low_bits, low_bits), w);
    acc = _mm256_dpbusd_avx_epi32(acc, _mm256_and_si256(_mm256_srli_epi16(w, 6), two_bits), q[0]);
    acc = _mm256_dpbusd_avx_epi32(acc, _mm256_and_si256(_mm256_srli_epi16(w, 4), two_bits), q[1]);
    acc = _mm256_dpbusd_avx_epi32(acc, _mm256_and_si256(_mm256_srli_epi16(w, 2), two_bits), q[2]);
    return _mm256_dpbusd_avx_epi32(acc, _mm256_and_si256(w, two_bits), q[3]);
}

static inline void load_block(const int8_t *q, __m256i out[4]) {
    for (int g = 0; g < 4; ++g) out[g] = _mm256_loadu_si256((const __m256i *)(q + 32 * g));
}

static inline float output(int32_t code_dot, const bitnet_kp_i2s_matmul_args *a, int64_t t) {
    return (float)(code_dot - a->act_sum[t]) / a->act_scale[t] * a->w->scale;
}

/* Rows [begin, end) of token t; always inlined so a constant k specialises it. */
static inline __attribute__((always_inline)) void gemv_rows(const bitnet_kp_i2s_matmul_args *a, int64_t t,
                                                            int64_t begin, int64_t end, int64_t k) {
    const int64_t row_bytes = k / 4;
    const int8_t *q = a->q + t * k;
    float *y = a->y + t * a->ldy;
    int64_t r = begin;
    for (; r + kRowsPerStep <= end; r += kRowsPerStep) {
        const uint8_t *row = a->w->data + r * row_bytes;
        __m256i acc0 = _mm256_setzero_si256(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
        for (int64_t b = 0; b < k / kBlock; ++b) {
            __m256i qb[4];
            load_block(q + b * kBlock, qb);
            const uint8_t *bytes = row + b * kBlockBytes;
            acc0 = block_dot(acc0, bytes, qb);
            acc1 = block_dot(acc1, bytes + row_bytes, qb);
            acc2 = block_dot(acc2, bytes + 2 * row_bytes, qb);
            acc3 = block_dot(acc3, bytes + 3 * row_bytes, qb);
        }
        y[r] = output(hsum_epi32(acc0), a, t);
        y[r + 1] = output(hsum_epi32(acc1), a, t);
        y[r + 2] = output(hsum_epi32(acc2), a, t);
        y[r + 3] = output(hsum_epi32(acc3), a, t);
    }
    for (; r < end; ++r) {
        const uint8_t *row = a->w->data + r * row_bytes;
        __m256i acc = _mm256_setzero_si256();
        for (int64_t b = 0; b < k / kBlock; ++b) {
            __m256i qb[4];
            load_block(q + b * kBlock, qb);
            acc = block_dot(acc, row + b * kBlockBytes, qb);
        }
        y[r] = output(hsum_epi32(acc), a, t);
    }
}

void example_i2s_gemv_avxvnni(const void *args, int64_t begin, int64_t end) {
    const bitnet_kp_i2s_matmul_args *a = (const bitnet_kp_i2s_matmul_args *)args;
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        if (a->w->k == kWidth2B4T)
            gemv_rows(a, t, begin, end, kWidth2B4T);
        else
            gemv_rows(a, t, begin, end, a->w->k);
    }
}
