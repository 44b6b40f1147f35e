// SPDX-License-Identifier: MIT
// kernel_plugin.h's exp_ref with NEON: the reference's operations in its order,
// so its bits; shared by the softmax and SILU_GATE.
#pragma once

#include "simd_neon.hpp"

namespace bitnet::neon {

// kernel_plugin.h's exp_ref for two doubles x <= 709 (or NaN). 2^n is built in the
// exponent bits with n held at -1022 or above: below -150 any result rounds to
// float 0 either way, and above it p * 2^n is exact, as ldexp's is.
inline float64x2_t exp_ref_f64(float64x2_t x) {
    x = vmaxnmq_f64(x, vdupq_n_f64(-746.0));  // maxnm ignores a NaN, as fmax does
    const float64x2_t n = vrndnq_f64(vmulq_n_f64(x, 1.4426950408889634));
    float64x2_t r = vfmsq_f64(x, n, vdupq_n_f64(0x1.62e42fefa39efp-1));
    r = vfmsq_f64(r, n, vdupq_n_f64(0x1.abc9e3b39803fp-56));
    constexpr double kInvFact[12] = {1.0,         1.0,          1.0 / 2,       1.0 / 6,
                                     1.0 / 24,    1.0 / 120,    1.0 / 720,     1.0 / 5040,
                                     1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};
    float64x2_t p = vdupq_n_f64(kInvFact[11]);
    for (int i = 10; i >= 0; --i) p = vfmaq_f64(vdupq_n_f64(kInvFact[i]), p, r);
    const int64x2_t e = vcvtq_s64_f64(vmaxq_f64(n, vdupq_n_f64(-1022.0)));
    const int64x2_t bits = vshlq_n_s64(vaddq_s64(e, vdupq_n_s64(1023)), 52);
    return vmulq_f64(p, vreinterpretq_f64_s64(bits));
}

// (float)exp_ref((double)x) for four floats.
inline float32x4_t exp_ref_f32(float32x4_t x) {
    const float32x2_t lo = vcvt_f32_f64(exp_ref_f64(vcvt_f64_f32(vget_low_f32(x))));
    return vcvt_high_f32_f64(lo, exp_ref_f64(vcvt_high_f64_f32(x)));
}

}  // namespace bitnet::neon
