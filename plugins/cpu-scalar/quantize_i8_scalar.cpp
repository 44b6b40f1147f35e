// SPDX-License-Identifier: MIT
// Per-token absmax quantization of activations to int8.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void quantize_i8(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_args*>(raw);
    const int64_t k = a->k;
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a->x + t * k;
        int8_t* q = a->q + t * k;
        float max_abs = 0.0f;
        for (int64_t i = 0; i < k; ++i) {
            max_abs = std::fmax(max_abs, std::fabs(x[i]));
        }
        const double amax = std::fmax(1e-5, static_cast<double>(max_abs));
        const float s = static_cast<float>(127.0 / amax);
        int32_t sum = 0;
        for (int64_t i = 0; i < k; ++i) {
            // x*s in float, rounded half to even (the default rounding mode),
            // clamped before the conversion so it is always defined.
            const float v = std::nearbyint(x[i] * s);
            const float c = std::fmin(127.0f, std::fmax(-128.0f, v));
            q[i] = static_cast<int8_t>(c);
            sum += q[i];
        }
        a->scale[t] = s;
        a->sum[t] = sum;
    }
}

}  // namespace bitnet::scalar
