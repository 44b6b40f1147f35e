// SPDX-License-Identifier: MIT
// kernel_plugin.h's exp_ref with AVX2 + FMA: the reference's operations in its
// order, so its bits; shared by the softmax and SILU_GATE.
#pragma once

#include "simd_avx2.hpp"

namespace bitnet::avx2 {

// kernel_plugin.h's exp_ref for four doubles x <= 709 (or NaN). 2^n is built in the
// exponent bits with n held at -1022 or above: below -150 any result rounds to
// float 0 either way, and above it p * 2^n is exact, as ldexp's is.
inline __m256d exp_ref_pd(__m256d x) {
    x = _mm256_max_pd(x, _mm256_set1_pd(-746.0));  // maxpd gives -746 for NaN, as fmax does
    const __m256d n = _mm256_round_pd(_mm256_mul_pd(x, _mm256_set1_pd(1.4426950408889634)),
                                      _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256d r = _mm256_fnmadd_pd(n, _mm256_set1_pd(0x1.62e42fefa39efp-1), x);
    r = _mm256_fnmadd_pd(n, _mm256_set1_pd(0x1.abc9e3b39803fp-56), r);
    constexpr double kInvFact[12] = {1.0,         1.0,          1.0 / 2,       1.0 / 6,
                                     1.0 / 24,    1.0 / 120,    1.0 / 720,     1.0 / 5040,
                                     1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};
    __m256d p = _mm256_set1_pd(kInvFact[11]);
    for (int i = 10; i >= 0; --i) p = _mm256_fmadd_pd(p, r, _mm256_set1_pd(kInvFact[i]));
    // n + 1023 lands in the low mantissa bits of 1.5 * 2^52 + n + 1023.
    const __m256d biased = _mm256_add_pd(_mm256_max_pd(n, _mm256_set1_pd(-1022.0)),
                                         _mm256_set1_pd(0x1.8p52 + 1023.0));
    const __m256i bits = _mm256_slli_epi64(_mm256_castpd_si256(biased), 52);
    return _mm256_mul_pd(p, _mm256_castsi256_pd(bits));
}

// (float)exp_ref((double)x) for eight floats.
inline __m256 exp_ref_ps(__m256 x) {
    const __m128 lo = _mm256_cvtpd_ps(exp_ref_pd(_mm256_cvtps_pd(_mm256_castps256_ps128(x))));
    const __m128 hi = _mm256_cvtpd_ps(exp_ref_pd(_mm256_cvtps_pd(_mm256_extractf128_ps(x, 1))));
    return _mm256_set_m128(hi, lo);
}

}  // namespace bitnet::avx2
