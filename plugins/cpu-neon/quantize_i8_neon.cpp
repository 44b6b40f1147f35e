// SPDX-License-Identifier: MIT
// Per-token int8 activation quantization, NEON. The absmax is order-independent
// and the scale is computed exactly as the header says, so q, scale and sum are
// bit-identical to the reference.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::neon {

namespace {

float abs_max(const float* x, int64_t n) {
    float32x4_t m = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) m = vmaxq_f32(m, vabsq_f32(vld1q_f32(x + i)));
    float r = vmaxvq_f32(m);
    for (; i < n; ++i) r = std::max(r, std::fabs(x[i]));
    return r;
}

}  // namespace

void quantize_i8(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_quantize_args*>(args_ptr);
    const float32x4_t lo = vdupq_n_f32(-128.0f);
    const float32x4_t hi = vdupq_n_f32(127.0f);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a.x + t * a.k;
        int8_t* q = a.q + t * a.k;
        const double amax = std::max(1e-5, static_cast<double>(abs_max(x, a.k)));
        const float s = static_cast<float>(127.0 / amax);
        int32x4_t sum = vdupq_n_s32(0);
        int64_t i = 0;
        for (; i + 8 <= a.k; i += 8) {
            // FRINTN rounds half to even; clamping first keeps the conversion exact.
            const float32x4_t v0 = vminq_f32(vmaxq_f32(vrndnq_f32(vmulq_n_f32(vld1q_f32(x + i), s)), lo), hi);
            const float32x4_t v1 =
                vminq_f32(vmaxq_f32(vrndnq_f32(vmulq_n_f32(vld1q_f32(x + i + 4), s)), lo), hi);
            const int32x4_t q0 = vcvtq_s32_f32(v0);
            const int32x4_t q1 = vcvtq_s32_f32(v1);
            sum = vaddq_s32(sum, vaddq_s32(q0, q1));
            const int16x8_t q16 = vcombine_s16(vmovn_s32(q0), vmovn_s32(q1));
            vst1_s8(q + i, vmovn_s16(q16));
        }
        int32_t total = vaddvq_s32(sum);
        for (; i < a.k; ++i) {
            const float v = std::clamp(std::nearbyint(x[i] * s), -128.0f, 127.0f);
            q[i] = static_cast<int8_t>(v);
            total += q[i];
        }
        a.scale[t] = s;
        a.sum[t] = total;
    }
}

}  // namespace bitnet::neon
