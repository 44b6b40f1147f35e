// SPDX-License-Identifier: MIT
// SILU_GATE with AVX2: out = (a / (1 + e)) * b, e = (float)exp_ref(fmin(-a, 89))
// in double, the reference's operations eight lanes at a time, so its bits.
// A tail shorter than eight goes through a zero-padded copy.
#include "exp_ref_avx2.hpp"
#include "kernels.hpp"
#include "simd_avx2.hpp"

namespace bitnet::avx2 {
namespace {

// min_pd returns its second operand for a NaN, as fmin does.
__m128 silu_exp(__m128 x) {
    const __m256d neg = _mm256_xor_pd(_mm256_cvtps_pd(x), _mm256_set1_pd(-0.0));
    return _mm256_cvtpd_ps(exp_ref_pd(_mm256_min_pd(neg, _mm256_set1_pd(89.0))));
}

__m256 silu_gate8(__m256 x, __m256 b) {
    const __m256 e = _mm256_set_m128(silu_exp(_mm256_extractf128_ps(x, 1)), silu_exp(_mm256_castps256_ps128(x)));
    return _mm256_mul_ps(_mm256_div_ps(x, _mm256_add_ps(_mm256_set1_ps(1.0f), e)), b);
}

}  // namespace

void silu_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    int64_t i = begin;
    for (; i + 8 <= end; i += 8)
        _mm256_storeu_ps(a->out + i, silu_gate8(_mm256_loadu_ps(a->a + i), _mm256_loadu_ps(a->b + i)));
    if (i == end) return;
    alignas(32) float x[8] = {}, b[8] = {}, out[8];
    const int64_t n = end - i;
    for (int64_t j = 0; j < n; ++j) {
        x[j] = a->a[i + j];
        b[j] = a->b[i + j];
    }
    _mm256_store_ps(out, silu_gate8(_mm256_load_ps(x), _mm256_load_ps(b)));
    for (int64_t j = 0; j < n; ++j) a->out[i + j] = out[j];
}

}  // namespace bitnet::avx2
