// SPDX-License-Identifier: MIT
// RMSNorm times a weight vector, per token.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void rmsnorm(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_rmsnorm_args*>(raw);
    const int64_t n = a->n;
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a->x + t * n;
        float* y = a->y + t * n;
        // Float squares, double sum, float mean: the reference's rounding points.
        double sum = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            sum += static_cast<double>(x[i] * x[i]);
        }
        const float mean = static_cast<float>(sum / static_cast<double>(n));
        const float scale = 1.0f / std::sqrt(mean + a->eps);
        // y may alias x: each element is read before it is written.
        for (int64_t i = 0; i < n; ++i) {
            y[i] = (x[i] * scale) * a->w[i];
        }
    }
}

}  // namespace bitnet::scalar
