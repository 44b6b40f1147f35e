// SPDX-License-Identifier: MIT
// Causal attention over an f16 KV cache, NEON. Per query head and token: scores
// q.k (q optionally rounded to f16 first), softmax, probabilities optionally
// rounded to f16, then p.V, all in kernel_plugin.h's reduction order: cpu-scalar's
// results bit for bit.
#include "kernels.hpp"
#include "exp_ref_neon.hpp"
#include "simd_neon.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::neon {

namespace {

// dot16 of kernel_plugin.h; a short tail goes through one zero-padded step
// (0 * 0 adds nothing to a lane).
float dot_f16(const float* q, const uint16_t* k, int64_t n) {
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    auto step = [&](const float* qs, const uint16_t* ks) {
        for (int j = 0; j < 4; ++j) acc[j] = vfmaq_f32(acc[j], vld1q_f32(qs + 4 * j), load_f16(ks + 4 * j));
    };
    int64_t d = 0;
    for (; d + 16 <= n; d += 16) step(q + d, k + d);
    if (d < n) {
        alignas(16) float qt[16] = {};
        alignas(16) uint16_t kt[16] = {};
        std::copy(q + d, q + n, qt);
        std::copy(k + d, k + n, kt);
        step(qt, kt);
    }
    return fold16(acc[0], acc[1], acc[2], acc[3]);
}

// scores[0, n) := softmax(scores), rounded to f16 if asked: exp_ref and sum16d
// of kernel_plugin.h, sum[j] holding double lanes 2j, 2j+1.
void softmax(float* scores, int64_t n, bool round_p) {
    float m = -INFINITY;
    for (int64_t p = 0; p < n; ++p) m = std::fmax(m, scores[p]);
    const float32x4_t mv = vdupq_n_f32(m);
    float64x2_t sum[8];
    for (auto& v : sum) v = vdupq_n_f64(0.0);
    auto block16 = [&](float* s) {
        for (int j = 0; j < 4; ++j) {
            const float32x4_t e = exp_ref_f32(vsubq_f32(vld1q_f32(s + 4 * j), mv));
            vst1q_f32(s + 4 * j, e);
            sum[2 * j] = vaddq_f64(sum[2 * j], vcvt_f64_f32(vget_low_f32(e)));
            sum[2 * j + 1] = vaddq_f64(sum[2 * j + 1], vcvt_high_f64_f32(e));
        }
    };
    int64_t p = 0;
    for (; p + 16 <= n; p += 16) block16(scores + p);
    if (p < n) {
        // -inf pads: exp_ref gives 0 for them, which adds nothing to a lane.
        alignas(16) float tail[16];
        std::fill(tail, tail + 16, -INFINITY);
        std::copy(scores + p, scores + n, tail);
        block16(tail);
        std::copy(tail, tail + (n - p), scores + p);
    }
    float64x2_t h8[4];
    for (int j = 0; j < 4; ++j) h8[j] = vaddq_f64(sum[j], sum[j + 4]);
    const float64x2_t h4_0 = vaddq_f64(h8[0], h8[2]);
    const float64x2_t h4_1 = vaddq_f64(h8[1], h8[3]);
    const float64x2_t h2 = vaddq_f64(h4_0, h4_1);
    const double total = vgetq_lane_f64(h2, 0) + vgetq_lane_f64(h2, 1);
    const float inv = static_cast<float>(1.0 / total);
    for (p = 0; p + 4 <= n; p += 4) {
        const float32x4_t v = vmulq_n_f32(vld1q_f32(scores + p), inv);
        vst1q_f32(scores + p, round_p ? round_to_f16(v) : v);
    }
    for (; p < n; ++p) scores[p] = round_p ? round_to_f16(scores[p] * inv) : scores[p] * inv;
}

// out[0, hd) = sum over positions of probs[p] * v row p.
void weighted_sum(const float* probs, int64_t n, const uint16_t* v, int64_t stride, int64_t hd, float* out) {
    constexpr int kVectors = 8;  // 32 output dims kept in registers per pass
    int64_t d0 = 0;
    for (; d0 + 4 <= hd; d0 += 4 * kVectors) {
        const int nv = static_cast<int>(std::min<int64_t>(kVectors, (hd - d0) / 4));
        float32x4_t acc[kVectors];
        for (auto& x : acc) x = vdupq_n_f32(0.0f);
        for (int64_t p = 0; p < n; ++p) {
            const float32x4_t pv = vdupq_n_f32(probs[p]);
            const uint16_t* row = v + p * stride + d0;
            for (int j = 0; j < nv; ++j) acc[j] = vfmaq_f32(acc[j], pv, load_f16(row + 4 * j));
        }
        for (int j = 0; j < nv; ++j) vst1q_f32(out + d0 + 4 * j, acc[j]);
    }
    for (int64_t d = hd / 4 * 4; d < hd; ++d) {
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
                for (; d + 4 <= hd; d += 4) vst1q_f32(out + d, round_to_f16(vld1q_f32(q + d)));
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

}  // namespace bitnet::neon
