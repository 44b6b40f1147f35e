// SPDX-License-Identifier: MIT
// F16 rows to the int8 head (QUANTIZE_ROWS_Q8, made once at load), sixteen
// halves at a time with masked tails. Every float step is the header's own (an
// exact widening, a max, one multiply, round half to even), so the bytes are
// cpu-scalar's.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

// NaN lanes to +0: the header takes a NaN element, and a NaN product, as 0.
inline __m512 nan_to_zero(__m512 v) { return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, v, _CMP_ORD_Q), v); }

inline __m512 load_row(const uint16_t* p, __mmask16 m) {
    return nan_to_zero(_mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p)));
}

}  // namespace

void quantize_rows_q8(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_rows_args*>(raw);
    const int64_t k = a->k;
    const __m512 abs_mask = _mm512_castsi512_ps(_mm512_set1_epi32(0x7FFFFFFF));
    const __m512 lo = _mm512_set1_ps(-127.0f), hi = _mm512_set1_ps(127.0f);
    for (int64_t r = begin; r < end; ++r) {
        const uint16_t* w = a->w + r * k;
        __m512 vmax = _mm512_setzero_ps();  // masked-off lanes load 0, which no max needs
        for (int64_t i = 0; i < k; i += 16)
            vmax = _mm512_max_ps(_mm512_and_ps(load_row(w + i, tail_mask(k - i)), abs_mask), vmax);
        const float scale = _mm512_reduce_max_ps(vmax) / 127.0f;
        const __m512 inv = _mm512_set1_ps(scale > 0.0f ? 1.0f / scale : 0.0f);
        int8_t* q = a->q + r * k;
        __m512i sum = _mm512_setzero_si512();
        for (int64_t i = 0; i < k; i += 16) {
            const __mmask16 m = tail_mask(k - i);
            const __m512 v = nan_to_zero(_mm512_roundscale_ps(_mm512_mul_ps(load_row(w + i, m), inv),
                                                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            const __m512i c = _mm512_cvtps_epi32(_mm512_min_ps(_mm512_max_ps(v, lo), hi));
            sum = _mm512_add_epi32(sum, c);  // masked-off lanes are 0
            _mm512_mask_cvtepi32_storeu_epi8(q + i, m, c);
        }
        a->scale[r] = scale;
        a->sum[r] = _mm512_reduce_add_epi32(sum);
    }
}

}  // namespace bitnet::avx512
