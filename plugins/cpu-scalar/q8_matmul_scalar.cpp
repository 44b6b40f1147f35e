// SPDX-License-Identifier: MIT
// Int8 x int8 matmul with per-row weight scales (the opt-in int8 output head):
// an exact int32 dot per row, then one float multiply and divide.
#include <bitnet/kernel_plugin.h>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void q8_matmul(const void* args, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_q8_matmul_args*>(args);
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        const int8_t* q = a->q + t * a->k;
        for (int64_t r = begin; r < end; ++r) {
            const int8_t* w = a->w + r * a->k;
            int32_t acc = 0;
            for (int64_t i = 0; i < a->k; ++i) acc += int32_t{w[i]} * int32_t{q[i]};
            a->y[t * a->ldy + r] = static_cast<float>(acc) * a->w_scale[r] / a->act_scale[t];
        }
    }
}

}  // namespace bitnet::scalar
