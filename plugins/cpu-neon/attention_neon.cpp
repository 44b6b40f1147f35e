// Causal attention over an f16 KV cache, NEON. Per query head and token: scores
// q.k (q optionally rounded to f16 first), softmax with a polynomial exp and a
// double sum, probabilities optionally rounded to f16, then p.V. Results differ
// from the reference only by summation order and exp's last-bit error.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::neon {

namespace {

// e^x for x <= 0: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor series to
// r^7 (truncation error below 1e-8), times 2^n built in the exponent bits. Below
// -87.3 the true value is subnormal or zero and negligible next to the softmax
// maximum's e^0 = 1, so it returns 0.
float32x4_t exp_nonpositive(float32x4_t x) {
    const uint32x4_t underflow = vcltq_f32(x, vdupq_n_f32(-87.3f));
    x = vmaxq_f32(x, vdupq_n_f32(-87.3f));
    const float32x4_t n = vrndnq_f32(vmulq_n_f32(x, 1.44269504f));
    // ln 2 split in a short high part (exact times n) and the rest.
    float32x4_t r = vfmsq_n_f32(x, n, 0.693359375f);
    r = vfmsq_n_f32(r, n, -2.12194440e-4f);
    float32x4_t p = vdupq_n_f32(1.0f / 5040.0f);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 720.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 120.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f / 6.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(0.5f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    p = vfmaq_f32(vdupq_n_f32(1.0f), p, r);
    const int32x4_t bits = vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23);
    const float32x4_t e = vmulq_f32(p, vreinterpretq_f32_s32(bits));
    return vreinterpretq_f32_u32(vbicq_u32(vreinterpretq_u32_f32(e), underflow));
}

float dot_f16(const float* q, const uint16_t* k, int64_t n) {
    float32x4_t acc0 = vdupq_n_f32(0.0f);
    float32x4_t acc1 = vdupq_n_f32(0.0f);
    int64_t d = 0;
    for (; d + 8 <= n; d += 8) {
        acc0 = vfmaq_f32(acc0, vld1q_f32(q + d), load_f16(k + d));
        acc1 = vfmaq_f32(acc1, vld1q_f32(q + d + 4), load_f16(k + d + 4));
    }
    for (; d + 4 <= n; d += 4) acc0 = vfmaq_f32(acc0, vld1q_f32(q + d), load_f16(k + d));
    float sum = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; d < n; ++d) sum = std::fma(q[d], f16_to_f32(k[d]), sum);
    return sum;
}

// scores[0, n) := softmax(scores), rounded to f16 if asked. The sum is kept in
// double like the reference's, so only the exps differ.
void softmax(float* scores, int64_t n, bool round_p) {
    float m = scores[0];
    for (int64_t p = 1; p < n; ++p) m = std::max(m, scores[p]);
    const float32x4_t mv = vdupq_n_f32(m);
    float64x2_t sum_v = vdupq_n_f64(0.0);
    int64_t p = 0;
    for (; p + 4 <= n; p += 4) {
        const float32x4_t e = exp_nonpositive(vsubq_f32(vld1q_f32(scores + p), mv));
        vst1q_f32(scores + p, e);
        sum_v = vaddq_f64(sum_v, vcvt_f64_f32(vget_low_f32(e)));
        sum_v = vaddq_f64(sum_v, vcvt_high_f64_f32(e));
    }
    double sum = vaddvq_f64(sum_v);
    for (; p < n; ++p) {
        scores[p] = std::exp(scores[p] - m);
        sum += static_cast<double>(scores[p]);
    }
    const float inv = static_cast<float>(1.0 / sum);
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
