// SPDX-License-Identifier: MIT
// <immintrin.h> for the kernel files, and the small helpers they share. GCC 12.2
// (Debian 12) warns about its own _mm512_undefined_* helpers when AVX-512
// intrinsics get inlined (GCC bug 105593, fixed in 12.3); the warnings point
// into the header, so silencing them for the header's lines leaves our code's
// warnings intact.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstdint>

namespace bitnet::avx512 {

// Lanes [0, remaining) of a 16-lane step: all of them but in a row's last step.
inline __mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}

// f32 -> nearest f16 (ties to even) -> f32, the reference's input rounding.
inline __m512 round_to_f16(__m512 v) { return _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT)); }

// kernel_plugin.h's lane fold (l[j] += l[j + h] for h = 8, 4, 2, 1) of one vector.
inline float fold16_ps(__m512 v) {
    const __m256 s8 = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    const __m128 s4 = _mm_add_ps(_mm256_castps256_ps128(s8), _mm256_extractf128_ps(s8, 1));
    const __m128 s2 = _mm_add_ps(s4, _mm_movehl_ps(s4, s4));
    return _mm_cvtss_f32(_mm_add_ss(s2, _mm_movehdup_ps(s2)));
}

// The same folds (h = 4, 2, 1) for eight double lanes.
inline double fold8_pd(__m512d v) {
    const __m256d s4 = _mm256_add_pd(_mm512_castpd512_pd256(v), _mm512_extractf64x4_pd(v, 1));
    const __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
    return _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
}

}  // namespace bitnet::avx512
