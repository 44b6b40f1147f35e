// SPDX-License-Identifier: MIT
// Elementwise ops over [begin, end): exactly rounded, so every correct kernel
// agrees bit for bit. out may alias a or b.
#include <bitnet/kernel_plugin.h>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void relu2_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; ++i) {
        const float r = a->a[i] > 0.0f ? a->a[i] : 0.0f;
        a->out[i] = (r * r) * a->b[i];
    }
}

void add(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    for (int64_t i = begin; i < end; ++i) {
        a->out[i] = a->a[i] + a->b[i];
    }
}

}  // namespace bitnet::scalar
