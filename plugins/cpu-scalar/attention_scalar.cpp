// SPDX-License-Identifier: MIT
// Causal attention over an f16 KV cache, one query head at a time.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "f16_convert.hpp"
#include "reduction_order.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void attention(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_attention_args*>(raw);
    const int64_t hd = a->head_dim;
    const int64_t group = a->n_heads / a->n_kv_heads;
    const int64_t n_ctx_max = a->pos0 + a->n_tokens;
    const bool round_q = (a->flags & BITNET_ATTN_ROUND_Q_F16) != 0;
    const bool round_p = (a->flags & BITNET_ATTN_ROUND_P_F16) != 0;
    for (int64_t h = begin; h < end; ++h) {
        const int64_t kv_off = (h / group) * hd;
        float* score = a->scratch + h * n_ctx_max;  // this head's own scratch row
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const float* q = a->q + (t * a->n_heads + h) * hd;
            float* out = a->out + (t * a->n_heads + h) * hd;
            const int64_t n_ctx = a->pos0 + t + 1;

            // out is free until the end, so it holds the (maybe f16-rounded) query.
            for (int64_t d = 0; d < hd; ++d) {
                out[d] = round_q ? f16_to_f32(f32_to_f16(q[d])) : q[d];
            }

            // Scores, softmax and weights in the header's reduction order.
            float max_score = -INFINITY;
            for (int64_t p = 0; p < n_ctx; ++p) {
                const uint16_t* k = a->k_cache + p * a->kv_stride + kv_off;
                const float dot = dot16([&](int64_t d) { return out[d]; },
                                        [&](int64_t d) { return f16_to_f32(k[d]); }, hd);
                score[p] = dot * a->scale;
                max_score = std::fmax(max_score, score[p]);
            }
            for (int64_t p = 0; p < n_ctx; ++p) {
                score[p] = static_cast<float>(exp_ref(static_cast<double>(score[p] - max_score)));
            }
            const float inv_sum = static_cast<float>(1.0 / sum16d(score, n_ctx));
            for (int64_t p = 0; p < n_ctx; ++p) {
                score[p] *= inv_sum;
                if (round_p) score[p] = f16_to_f32(f32_to_f16(score[p]));
            }

            // out = sum_p p * v_p, fused, in position order.
            for (int64_t d = 0; d < hd; ++d) out[d] = 0.0f;
            for (int64_t p = 0; p < n_ctx; ++p) {
                const uint16_t* v = a->v_cache + p * a->kv_stride + kv_off;
                for (int64_t d = 0; d < hd; ++d) {
                    out[d] = std::fma(score[p], f16_to_f32(v[d]), out[d]);
                }
            }
        }
    }
}

}  // namespace bitnet::scalar
