// SPDX-License-Identifier: MIT
// F16 rows to the int8 head (QUANTIZE_ROWS_Q8, made once at load): F16C widens
// eight halves at a time, and every float step is the header's own (an exact
// widening, a max, one multiply, round half to even), so the bytes are
// cpu-scalar's. A 2B-4T head is 328 M halves; this pass is most of a q8 load.
#include <bitnet/kernel_plugin.h>

#include <cmath>
#include <vector>

#include "kernels.hpp"
#include "simd_avx2.hpp"

namespace bitnet::avx2 {
namespace {

// NaN lanes to +0: the header takes a NaN element, and a NaN product, as 0.
inline __m256 nan_to_zero(__m256 v) { return _mm256_and_ps(v, _mm256_cmp_ps(v, v, _CMP_ORD_Q)); }

inline float nan_to_zero(float v) { return std::isnan(v) ? 0.0f : v; }

inline int8_t quantize_one(float e, float inv) {
    const float v = nan_to_zero(std::nearbyint(e * inv));
    return static_cast<int8_t>(v < -127.0f ? -127.0f : v > 127.0f ? 127.0f : v);
}

void quantize_row(const uint16_t* src, int64_t k, float* row, int8_t* dst, float& scale_out, int32_t& sum_out) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 vmax = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 w = nan_to_zero(_mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
        _mm256_storeu_ps(row + i, w);
        vmax = _mm256_max_ps(_mm256_and_ps(w, abs_mask), vmax);
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, vmax);
    float amax = 0.0f;
    for (float l : lanes) amax = l > amax ? l : amax;
    for (; i < k; ++i) {
        row[i] = nan_to_zero(_cvtsh_ss(src[i]));
        const float a = std::fabs(row[i]);
        amax = a > amax ? a : amax;
    }
    const float scale = amax / 127.0f;
    const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
    const __m256 vinv = _mm256_set1_ps(inv);
    __m256i vsum = _mm256_setzero_si256();
    for (i = 0; i + 8 <= k; i += 8) {
        __m256 v = nan_to_zero(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(row + i), vinv),
                                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
        const __m256i q = _mm256_cvtps_epi32(v);
        vsum = _mm256_add_epi32(vsum, q);
        const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + i), _mm_packs_epi16(q16, q16));
    }
    int32_t sum = hsum_epi32(vsum);
    for (; i < k; ++i) {
        dst[i] = quantize_one(row[i], inv);
        sum += dst[i];
    }
    scale_out = scale;
    sum_out = sum;
}

}  // namespace

void quantize_rows_q8(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_rows_args*>(raw);
    thread_local std::vector<float> row;
    row.resize(static_cast<size_t>(a->k));
    for (int64_t r = begin; r < end; ++r)
        quantize_row(a->w + r * a->k, a->k, row.data(), a->q + r * a->k, a->scale[r], a->sum[r]);
}

}  // namespace bitnet::avx2
