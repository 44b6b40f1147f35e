// SPDX-License-Identifier: MIT
// SILU_GATE with NEON: out = (a / (1 + e)) * b, e = (float)exp_ref(fmin(-a, 89))
// in double, the reference's operations four lanes at a time, so its bits.
#include "exp_ref_neon.hpp"
#include "kernels.hpp"
#include "simd_neon.hpp"

namespace bitnet::neon {
namespace {

// minnm returns the number when the other operand is NaN, as fmin does.
float64x2_t silu_arg(float64x2_t x) { return vminnmq_f64(vnegq_f64(x), vdupq_n_f64(89.0)); }

float32x4_t silu_gate4(float32x4_t x, float32x4_t b) {
    const float32x2_t lo = vcvt_f32_f64(exp_ref_f64(silu_arg(vcvt_f64_f32(vget_low_f32(x)))));
    const float32x4_t e = vcvt_high_f32_f64(lo, exp_ref_f64(silu_arg(vcvt_high_f64_f32(x))));
    return vmulq_f32(vdivq_f32(x, vaddq_f32(vdupq_n_f32(1.0f), e)), b);
}

}  // namespace

void silu_gate(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    int64_t i = begin;
    for (; i + 4 <= end; i += 4) vst1q_f32(a->out + i, silu_gate4(vld1q_f32(a->a + i), vld1q_f32(a->b + i)));
    if (i == end) return;
    float x[4] = {}, b[4] = {}, out[4];
    const int64_t n = end - i;
    for (int64_t j = 0; j < n; ++j) {
        x[j] = a->a[i + j];
        b[j] = a->b[i + j];
    }
    vst1q_f32(out, silu_gate4(vld1q_f32(x), vld1q_f32(b)));
    for (int64_t j = 0; j < n; ++j) a->out[i + j] = out[j];
}

}  // namespace bitnet::neon
