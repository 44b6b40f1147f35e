// SPDX-License-Identifier: MIT
// NEOX rotary position embedding, in place.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void rope_neox(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_rope_args*>(raw);
    const int64_t half = a->n_rot / 2;
    // The reference advances theta by repeated float multiplication, not one pow
    // per dimension; the drift that introduces is part of the reference result.
    const float theta_scale = std::pow(a->freq_base, -2.0f / static_cast<float>(a->n_rot));
    for (int64_t t = begin; t < end; ++t) {
        for (int64_t h = 0; h < a->n_heads; ++h) {
            float* x = a->x + (t * a->n_heads + h) * a->head_dim;
            float theta = static_cast<float>(a->pos[t]);
            for (int64_t i = 0; i < half; ++i) {
                const float c = std::cos(theta);
                const float s = std::sin(theta);
                const float x0 = x[i];
                const float x1 = x[i + half];
                x[i] = x0 * c - x1 * s;
                x[i + half] = x0 * s + x1 * c;
                theta *= theta_scale;
            }
        }
    }
}

}  // namespace bitnet::scalar
