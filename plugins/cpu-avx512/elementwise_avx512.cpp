// SPDX-License-Identifier: MIT
// The elementwise ops with AVX-512, bitwise equal to the reference: the same
// IEEE operations in the same order, sixteen lanes at a time. max_ps returns
// its second operand (+0) for a NaN or a zero first operand, as the
// reference's `a > 0 ? a : 0` does.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include "avx512_kernels.hpp"
#include "exp_ref_avx512.hpp"

namespace bitnet::avx512 {

void relu2_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    const __m512 zero = _mm512_setzero_ps();
    for (int64_t i = begin; i < end; i += 16) {
        const __mmask16 m = tail_mask(end - i);
        const __m512 r = _mm512_max_ps(_mm512_maskz_loadu_ps(m, a->a + i), zero);
        const __m512 b = _mm512_maskz_loadu_ps(m, a->b + i);
        _mm512_mask_storeu_ps(a->out + i, m, _mm512_mul_ps(_mm512_mul_ps(r, r), b));
    }
}

namespace {

// (float)exp_ref(fmin(-(double)x, 89)) for eight floats: min_pd returns its
// second operand for a NaN, as fmin does.
__m256 silu_exp(__m256 x) {
    const __m512d neg = _mm512_xor_pd(_mm512_cvtps_pd(x), _mm512_set1_pd(-0.0));
    return _mm512_cvtpd_ps(exp_ref_pd(_mm512_min_pd(neg, _mm512_set1_pd(89.0))));
}

}  // namespace

void silu_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    const __m512 one = _mm512_set1_ps(1.0f);
    for (int64_t i = begin; i < end; i += 16) {
        const __mmask16 m = tail_mask(end - i);
        const __m512 x = _mm512_maskz_loadu_ps(m, a->a + i);
        const __m512 e = _mm512_insertf32x8(_mm512_castps256_ps512(silu_exp(_mm512_castps512_ps256(x))),
                                            silu_exp(_mm512_extractf32x8_ps(x, 1)), 1);
        const __m512 b = _mm512_maskz_loadu_ps(m, a->b + i);
        _mm512_mask_storeu_ps(a->out + i, m, _mm512_mul_ps(_mm512_div_ps(x, _mm512_add_ps(one, e)), b));
    }
}

void add(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; i += 16) {
        const __mmask16 m = tail_mask(end - i);
        const __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(m, a->a + i), _mm512_maskz_loadu_ps(m, a->b + i));
        _mm512_mask_storeu_ps(a->out + i, m, sum);
    }
}

}  // namespace bitnet::avx512
