// SPDX-License-Identifier: MIT
// Per-token absmax quantization of activations to int8 with AVX-512. Bitwise the
// header's definition, including its treatment of NaN (ignored by the max, -128
// as a value) and of infinities.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include <cmath>

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

float max_abs(const float* x, int64_t k) {
    const __m512 abs_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    __m512 m0 = _mm512_setzero_ps();
    __m512 m1 = _mm512_setzero_ps();
    int64_t i = 0;
    // vmaxps returns its second operand when either is NaN: keeping the running
    // max second makes NaN inputs ignored, as fmax does in the reference.
    for (; i + 32 <= k; i += 32) {
        m0 = _mm512_max_ps(_mm512_and_ps(_mm512_loadu_ps(x + i), abs_mask), m0);
        m1 = _mm512_max_ps(_mm512_and_ps(_mm512_loadu_ps(x + i + 16), abs_mask), m1);
    }
    for (; i < k; i += 16) {
        const __m512 v = _mm512_maskz_loadu_ps(tail_mask(k - i), x + i);
        m0 = _mm512_max_ps(_mm512_and_ps(v, abs_mask), m0);
    }
    return _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
}

}  // namespace

void quantize_i8(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_args*>(raw);
    const int64_t k = a->k;
    const __m512 lo = _mm512_set1_ps(-128.0f);
    const __m512 hi = _mm512_set1_ps(127.0f);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a->x + t * k;
        int8_t* q = a->q + t * k;
        const double amax = std::fmax(1e-5, static_cast<double>(max_abs(x, k)));
        const float s = static_cast<float>(127.0 / amax);
        const __m512 vs = _mm512_set1_ps(s);
        __m512i sum = _mm512_setzero_si512();
        for (int64_t i = 0; i < k; i += 16) {
            const __mmask16 m = tail_mask(k - i);
            const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + i), vs);
            // Clamping before rounding equals rounding then clamping for these
            // bounds; the max with v first maps NaN to -128 like the reference.
            const __m512 c = _mm512_min_ps(_mm512_max_ps(v, lo), hi);
            const __m512i r = _mm512_cvt_roundps_epi32(c, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
            sum = _mm512_add_epi32(sum, r);  // masked-off lanes loaded 0, add 0
            _mm512_mask_cvtepi32_storeu_epi8(q + i, m, r);
        }
        a->scale[t] = s;
        a->sum[t] = _mm512_reduce_add_epi32(sum);
    }
}

}  // namespace bitnet::avx512
