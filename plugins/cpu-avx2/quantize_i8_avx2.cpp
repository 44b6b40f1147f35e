// SPDX-License-Identifier: MIT
// Per-token int8 activation quantization, AVX2. The absmax is order-independent
// and the scale is computed exactly as the header says, so q, scale and sum are
// bit-identical to the reference.
#include "kernels.hpp"
#include "simd_avx2.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::avx2 {

namespace {

float abs_max(const float* x, int64_t n) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 m = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) m = _mm256_max_ps(m, _mm256_and_ps(abs_mask, _mm256_loadu_ps(x + i)));
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, m);
    float r = 0.0f;
    for (float v : lanes) r = std::max(r, v);
    for (; i < n; ++i) r = std::max(r, std::fabs(x[i]));
    return r;
}

}  // namespace

void quantize_i8(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_quantize_args*>(args_ptr);
    const __m256 lo = _mm256_set1_ps(-128.0f);
    const __m256 hi = _mm256_set1_ps(127.0f);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a.x + t * a.k;
        int8_t* q = a.q + t * a.k;
        const double amax = std::max(1e-5, static_cast<double>(abs_max(x, a.k)));
        const float s = static_cast<float>(127.0 / amax);
        const __m256 sv = _mm256_set1_ps(s);
        __m256i sum = _mm256_setzero_si256();
        int64_t i = 0;
        for (; i + 8 <= a.k; i += 8) {
            // Clamp in float before converting: cvtps would turn an overflow into
            // INT_MIN. The conversion rounds half to even (default MXCSR mode).
            __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), sv);
            v = _mm256_min_ps(_mm256_max_ps(v, lo), hi);
            const __m256i qi = _mm256_cvtps_epi32(v);
            sum = _mm256_add_epi32(sum, qi);
            const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(qi), _mm256_extracti128_si256(qi, 1));
            _mm_storel_epi64(reinterpret_cast<__m128i*>(q + i), _mm_packs_epi16(q16, q16));
        }
        int32_t total = hsum_epi32(sum);
        for (; i < a.k; ++i) {
            const float v = std::clamp(std::nearbyint(x[i] * s), -128.0f, 127.0f);
            q[i] = static_cast<int8_t>(v);
            total += q[i];
        }
        a.scale[t] = s;
        a.sum[t] = total;
    }
}

}  // namespace bitnet::avx2
