// SPDX-License-Identifier: MIT
// RMSNorm with AVX-512, bitwise equal to the reference: float squares summed in
// double, float mean, y = (x * (1/sqrtf(mean + eps))) * w.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include <cmath>

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

// The reference adds the squares one after another in double. Summing them in
// 32 double lanes rounds differently, but both sums lie within n * 2^-53 * S of
// the exact sum S. When the float mean is the same at both ends of twice that
// interval, it is the reference's mean too; otherwise (rare: the mean sits
// within ~1e-13 of a float rounding boundary) redo the reference's order.
float mean_of_squares(const float* x, int64_t n) {
    __m512d acc[4] = {_mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd(), _mm512_setzero_pd()};
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        const __m512 v0 = _mm512_loadu_ps(x + i);
        const __m512 v1 = _mm512_loadu_ps(x + i + 16);
        const __m512 s0 = _mm512_mul_ps(v0, v0);
        const __m512 s1 = _mm512_mul_ps(v1, v1);
        acc[0] = _mm512_add_pd(acc[0], _mm512_cvtps_pd(_mm512_castps512_ps256(s0)));
        acc[1] = _mm512_add_pd(acc[1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(s0, 1)));
        acc[2] = _mm512_add_pd(acc[2], _mm512_cvtps_pd(_mm512_castps512_ps256(s1)));
        acc[3] = _mm512_add_pd(acc[3], _mm512_cvtps_pd(_mm512_extractf32x8_ps(s1, 1)));
    }
    for (; i < n; i += 16) {
        const __m512 v = _mm512_maskz_loadu_ps(tail_mask(n - i), x + i);
        const __m512 s = _mm512_mul_ps(v, v);
        acc[0] = _mm512_add_pd(acc[0], _mm512_cvtps_pd(_mm512_castps512_ps256(s)));
        acc[1] = _mm512_add_pd(acc[1], _mm512_cvtps_pd(_mm512_extractf32x8_ps(s, 1)));
    }
    const double sum =
        _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(acc[0], acc[1]), _mm512_add_pd(acc[2], acc[3])));
    const double count = static_cast<double>(n);
    const double slack = sum * (static_cast<double>(n) * 0x1p-51);
    if (std::isfinite(sum) &&
        static_cast<float>((sum - slack) / count) == static_cast<float>((sum + slack) / count)) {
        return static_cast<float>(sum / count);
    }
    double serial = 0.0;
    for (int64_t j = 0; j < n; ++j) {
        serial += static_cast<double>(x[j] * x[j]);
    }
    return static_cast<float>(serial / count);
}

}  // namespace

void rmsnorm(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_rmsnorm_args*>(raw);
    const int64_t n = a->n;
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a->x + t * n;
        float* y = a->y + t * n;
        const float mean = mean_of_squares(x, n);
        const __m512 scale = _mm512_set1_ps(1.0f / std::sqrt(mean + a->eps));
        // y may alias x: every element is loaded before its store.
        for (int64_t i = 0; i < n; i += 16) {
            const __mmask16 m = tail_mask(n - i);
            const __m512 v = _mm512_maskz_loadu_ps(m, x + i);
            const __m512 wv = _mm512_maskz_loadu_ps(m, a->w + i);
            _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_mul_ps(v, scale), wv));
        }
    }
}

}  // namespace bitnet::avx512
