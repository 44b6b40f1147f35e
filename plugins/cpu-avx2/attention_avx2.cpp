// SPDX-License-Identifier: MIT
// Causal attention over an f16 KV cache, AVX2 + FMA + F16C. Per query head and
// token: scores q.k (q optionally rounded to f16 first), softmax, probabilities
// optionally rounded to f16, then p.V, all in kernel_plugin.h's reduction order:
// cpu-scalar's results bit for bit.
#include "kernels.hpp"
#include "exp_ref_avx2.hpp"
#include "simd_avx2.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::avx2 {

namespace {

inline __m256 round_to_f16(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline float f16_to_f32(uint16_t h) { return _cvtsh_ss(h); }

inline float round_to_f16(float v) {
    return _cvtsh_ss(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// dot16 of kernel_plugin.h: acc0 holds lanes 0-7, acc1 lanes 8-15; a short tail
// goes through one zero-padded step (0 * 0 adds nothing to a lane).
float dot_f16(const float* q, const uint16_t* k, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    int64_t d = 0;
    for (; d + 16 <= n; d += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), load_f16(k + d), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8), load_f16(k + d + 8), acc1);
    }
    if (d < n) {
        alignas(32) float qt[16] = {};
        alignas(16) uint16_t kt[16] = {};
        std::copy(q + d, q + n, qt);
        std::copy(k + d, k + n, kt);
        acc0 = _mm256_fmadd_ps(_mm256_load_ps(qt), load_f16(kt), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_load_ps(qt + 8), load_f16(kt + 8), acc1);
    }
    return hsum_ps(_mm256_add_ps(acc0, acc1));  // fold h = 8, then 4, 2, 1
}

// scores[0, n) := softmax(scores), rounded to f16 if asked: exp_ref and sum16d
// of kernel_plugin.h, sum[j] holding double lanes 4j..4j+3.
void softmax(float* scores, int64_t n, bool round_p) {
    float m = -INFINITY;
    for (int64_t p = 0; p < n; ++p) m = std::fmax(m, scores[p]);
    const __m256 mv = _mm256_set1_ps(m);
    __m256d sum[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    auto block16 = [&](float* s) {
        for (int h = 0; h < 2; ++h) {
            const __m256 e = exp_ref_ps(_mm256_sub_ps(_mm256_loadu_ps(s + 8 * h), mv));
            _mm256_storeu_ps(s + 8 * h, e);
            sum[2 * h] = _mm256_add_pd(sum[2 * h], _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
            sum[2 * h + 1] = _mm256_add_pd(sum[2 * h + 1], _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
        }
    };
    int64_t p = 0;
    for (; p + 16 <= n; p += 16) block16(scores + p);
    if (p < n) {
        // -inf pads: exp_ref gives 0 for them, which adds nothing to a lane.
        alignas(32) float tail[16];
        std::fill(tail, tail + 16, -INFINITY);
        std::copy(scores + p, scores + n, tail);
        block16(tail);
        std::copy(tail, tail + (n - p), scores + p);
    }
    const __m256d s4 = _mm256_add_pd(_mm256_add_pd(sum[0], sum[2]), _mm256_add_pd(sum[1], sum[3]));
    const __m128d s2 = _mm_add_pd(_mm256_castpd256_pd128(s4), _mm256_extractf128_pd(s4, 1));
    const double total = _mm_cvtsd_f64(_mm_add_sd(s2, _mm_unpackhi_pd(s2, s2)));
    const float inv = static_cast<float>(1.0 / total);
    const __m256 iv = _mm256_set1_ps(inv);
    for (p = 0; p + 8 <= n; p += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(scores + p), iv);
        _mm256_storeu_ps(scores + p, round_p ? round_to_f16(v) : v);
    }
    for (; p < n; ++p) scores[p] = round_p ? round_to_f16(scores[p] * inv) : scores[p] * inv;
}

// out[0, hd) = sum over positions of probs[p] * v row p.
void weighted_sum(const float* probs, int64_t n, const uint16_t* v, int64_t stride, int64_t hd, float* out) {
    constexpr int kVectors = 4;  // 32 output dims kept in registers per pass
    int64_t d0 = 0;
    for (; d0 + 8 <= hd; d0 += 8 * kVectors) {
        const int nv = static_cast<int>(std::min<int64_t>(kVectors, (hd - d0) / 8));
        __m256 acc[kVectors] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                                _mm256_setzero_ps()};
        for (int64_t p = 0; p < n; ++p) {
            const __m256 pv = _mm256_set1_ps(probs[p]);
            const uint16_t* row = v + p * stride + d0;
            for (int j = 0; j < nv; ++j) acc[j] = _mm256_fmadd_ps(pv, load_f16(row + 8 * j), acc[j]);
        }
        for (int j = 0; j < nv; ++j) _mm256_storeu_ps(out + d0 + 8 * j, acc[j]);
    }
    for (int64_t d = hd / 8 * 8; d < hd; ++d) {
        float acc = 0.0f;
        for (int64_t p = 0; p < n; ++p) acc = std::fma(probs[p], f16_to_f32(v[p * stride + d]), acc);
        out[d] = acc;
    }
}

}  // namespace

void attention(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_attention_args*>(args_ptr);
    const int64_t hd = a.head_dim;
    const int64_t group = a.n_heads / a.n_kv_heads;
    const bool round_q = (a.flags & BITNET_ATTN_ROUND_Q_F16) != 0;
    const bool round_p = (a.flags & BITNET_ATTN_ROUND_P_F16) != 0;

    for (int64_t h = begin; h < end; ++h) {
        const int64_t kv_offset = (h / group) * hd;
        float* scores = a.scratch + h * (a.pos0 + a.n_tokens);
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int64_t n_ctx = a.pos0 + t + 1;
            const float* q = a.q + (t * a.n_heads + h) * hd;
            float* out = a.out + (t * a.n_heads + h) * hd;
            // out is written only after the scores, so it holds the rounded query.
            if (round_q) {
                int64_t d = 0;
                for (; d + 8 <= hd; d += 8) _mm256_storeu_ps(out + d, round_to_f16(_mm256_loadu_ps(q + d)));
                for (; d < hd; ++d) out[d] = round_to_f16(q[d]);
                q = out;
            }
            for (int64_t p = 0; p < n_ctx; ++p)
                scores[p] = dot_f16(q, a.k_cache + p * a.kv_stride + kv_offset, hd) * a.scale;
            softmax(scores, n_ctx, round_p);
            weighted_sum(scores, n_ctx, a.v_cache + kv_offset, a.kv_stride, hd, out);
        }
    }
}

}  // namespace bitnet::avx2
