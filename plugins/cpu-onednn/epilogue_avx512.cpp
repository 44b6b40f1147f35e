// SPDX-License-Identifier: MIT
// From the matmul's code sums to y. Vector division and multiplication round
// exactly as the scalar ones, so y is bitwise cpu-scalar's:
// (float)(sum_k code*q - act_sum) / act_scale * wscale.
#include <immintrin.h>

#include "onednn_kernels.hpp"

namespace bitnet::onednn {

void epilogue(const bitnet_kp_i2s_matmul_args& a, int64_t row0, int64_t n_rows, const int32_t* acc) {
    const int64_t tokens = a.n_tokens;
    const __m512 wscale = _mm512_set1_ps(a.w->scale);
    // acc is row-major (rows x tokens) but y is token-major: gather 16 rows of
    // one token so each store fills a run of y. Storing a row's tokens instead
    // would write ldy apart, and ldy (e.g. 6912 floats) maps those lines onto a
    // few L1 sets.
    const __m512i row_offsets =
        _mm512_mullo_epi32(_mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0),
                           _mm512_set1_epi32(static_cast<int32_t>(tokens)));
    for (int64_t r = 0; r < n_rows; r += 16) {
        const int64_t left = n_rows - r;
        const __mmask16 m = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
        const int32_t* base = acc + r * tokens;
        float* y = a.y + row0 + r;
        for (int64_t t = 0; t < tokens; ++t) {
            const __m512i sums = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, row_offsets, base + t, 4);
            // The signed dot: exact in int32, and exact as a float (|dot| < 2^24).
            const __m512i dot = _mm512_sub_epi32(sums, _mm512_set1_epi32(a.act_sum[t]));
            const __m512 v = _mm512_mul_ps(
                _mm512_div_ps(_mm512_maskz_cvtepi32_ps(m, dot), _mm512_set1_ps(a.act_scale[t])), wscale);
            _mm512_mask_storeu_ps(y + t * a.ldy, m, v);
        }
    }
}

}  // namespace bitnet::onednn
