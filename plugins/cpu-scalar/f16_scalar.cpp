// SPDX-License-Identifier: MIT
// Ops on F16 tables: the embedding lookup and the dense (tied) output head.
#include <bitnet/kernel_plugin.h>

#include <vector>

#include "f16_convert.hpp"
#include "reduction_order.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void embed_f16(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_embed_args*>(raw);
    for (int64_t t = begin; t < end; ++t) {
        const uint16_t* row = a->table + static_cast<int64_t>(a->ids[t]) * a->k;
        float* out = a->out + t * a->k;
        for (int64_t i = 0; i < a->k; ++i) out[i] = f16_to_f32(row[i]);
    }
}

// The input is rounded to f16 once per token; each row's sum is dot16 of
// kernel_plugin.h. Products of two widened halves are exact in float, so a
// multiply then an add is the header's fused multiply-add, and cheaper here.
void f16_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    const int64_t k = a->k;
    std::vector<float> xh(static_cast<size_t>(k));
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        const float* x = a->x + t * k;
        float* y = a->y + t * a->ldy;
        for (int64_t i = 0; i < k; ++i) xh[i] = f16_to_f32(f32_to_f16(x[i]));
        for (int64_t r = begin; r < end; ++r) {
            const uint16_t* w = a->w + r * k;
            float lane[kLanes] = {};
            int64_t i = 0;
            for (; i + kLanes <= k; i += kLanes) {
                for (int l = 0; l < kLanes; ++l) lane[l] = lane[l] + f16_to_f32(w[i + l]) * xh[i + l];
            }
            for (int l = 0; i < k; ++i, ++l) lane[l] = lane[l] + f16_to_f32(w[i]) * xh[i];
            y[r] = fold_lanes(lane);
        }
    }
}

}  // namespace bitnet::scalar
