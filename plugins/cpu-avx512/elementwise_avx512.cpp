// SPDX-License-Identifier: MIT
// The elementwise ops with AVX-512, bitwise equal to the reference: the same
// IEEE operations in the same order, sixteen lanes at a time. max_ps returns
// its second operand (+0) for a NaN or a zero first operand, as the
// reference's `a > 0 ? a : 0` does.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include "avx512_kernels.hpp"

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

void add(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; i += 16) {
        const __mmask16 m = tail_mask(end - i);
        const __m512 sum = _mm512_add_ps(_mm512_maskz_loadu_ps(m, a->a + i), _mm512_maskz_loadu_ps(m, a->b + i));
        _mm512_mask_storeu_ps(a->out + i, m, sum);
    }
}

}  // namespace bitnet::avx512
