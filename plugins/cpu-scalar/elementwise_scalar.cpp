// SPDX-License-Identifier: MIT
// Elementwise ops over [begin, end): each rounding fixed by kernel_plugin.h, so
// every correct kernel agrees bit for bit. out may alias a or b.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "reduction_order.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void relu2_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; ++i) {
        const float r = a->a[i] > 0.0f ? a->a[i] : 0.0f;
        a->out[i] = (r * r) * a->b[i];
    }
}

void silu_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; ++i) {
        const float x = a->a[i];
        // exp_ref, not expf: libm's expf differs between libcs and SIMD paths.
        const auto e = static_cast<float>(exp_ref(std::fmin(-static_cast<double>(x), 89.0)));
        a->out[i] = (x / (1.0f + e)) * a->b[i];
    }
}

void add(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; ++i) {
        a->out[i] = a->a[i] + a->b[i];
    }
}

}  // namespace bitnet::scalar
