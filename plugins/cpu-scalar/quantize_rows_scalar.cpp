// SPDX-License-Identifier: MIT
// F16 rows to int8 rows with a scale and a sum each (the opt-in int8 head, made
// once at load): kernel_plugin.h, bitnet_kp_quantize_rows_args.
#include <bitnet/kernel_plugin.h>

#include <algorithm>
#include <cmath>

#include "f16_convert.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {
namespace {

float widen_or_zero(uint16_t h) {
    const float f = f16_to_f32(h);
    return std::isnan(f) ? 0.0f : f;
}

int8_t quantize_one(float e, float inv) {
    const float v = std::nearbyint(e * inv);  // the default mode: half to even
    if (std::isnan(v)) return 0;
    return static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
}

}  // namespace

void quantize_rows_q8(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_rows_args*>(raw);
    const int64_t k = a->k;
    for (int64_t r = begin; r < end; ++r) {
        const uint16_t* w = a->w + r * k;
        float amax = 0.0f;
        for (int64_t i = 0; i < k; ++i) amax = std::max(amax, std::fabs(widen_or_zero(w[i])));
        const float scale = amax / 127.0f;
        const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
        int8_t* q = a->q + r * k;
        int32_t sum = 0;
        for (int64_t i = 0; i < k; ++i) {
            q[i] = quantize_one(widen_or_zero(w[i]), inv);
            sum += q[i];
        }
        a->scale[r] = scale;
        a->sum[r] = sum;
    }
}

}  // namespace bitnet::scalar
