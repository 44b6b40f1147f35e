// SPDX-License-Identifier: MIT
// kernel_plugin.h's exp_ref, sixteen or eight lanes at a time: x = n*ln2 + r,
// |r| <= ln2/2, e^r by its Taylor series to r^11, times 2^n (scalef, exact for
// every n the clamp at -746 leaves). The same operations as the reference, so
// the same bits; shared by the softmax and SILU_GATE.
#pragma once

#include "simd_avx512.hpp"

namespace bitnet::avx512 {

inline __m512d exp_ref_pd(__m512d x) {
    x = _mm512_max_pd(x, _mm512_set1_pd(-746.0));  // max_pd gives -746 for NaN, as fmax does
    const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, _mm512_set1_pd(1.4426950408889634)),
                                           _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512d r = _mm512_fnmadd_pd(n, _mm512_set1_pd(0x1.62e42fefa39efp-1), x);  // ln2 rounded
    r = _mm512_fnmadd_pd(n, _mm512_set1_pd(0x1.abc9e3b39803fp-56), r);         // its remainder
    constexpr double kInvFact[12] = {1.0,         1.0,          1.0 / 2,       1.0 / 6,
                                     1.0 / 24,    1.0 / 120,    1.0 / 720,     1.0 / 5040,
                                     1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};
    __m512d p = _mm512_set1_pd(kInvFact[11]);
    for (int i = 10; i >= 0; --i) p = _mm512_fmadd_pd(p, r, _mm512_set1_pd(kInvFact[i]));
    return _mm512_scalef_pd(p, n);
}

// (float)exp_ref((double)x) for sixteen floats.
inline __m512 exp_ref_ps(__m512 x) {
    const __m256 lo = _mm512_cvtpd_ps(exp_ref_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(x))));
    const __m256 hi = _mm512_cvtpd_ps(exp_ref_pd(_mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1))));
    return _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
}

}  // namespace bitnet::avx512
