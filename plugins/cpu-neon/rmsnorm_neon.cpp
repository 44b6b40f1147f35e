// RMSNorm, NEON. Squares are formed in float and accumulated in double, as the
// header requires: only the order of the double additions differs from the
// reference, which practically never changes the float mean, so the int8
// quantization downstream sees the same values.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <cmath>

namespace bitnet::neon {

namespace {

double sum_of_squares(const float* x, int64_t n) {
    float64x2_t acc0 = vdupq_n_f64(0.0);
    float64x2_t acc1 = vdupq_n_f64(0.0);
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const float32x4_t v = vld1q_f32(x + i);
        const float32x4_t sq = vmulq_f32(v, v);
        acc0 = vaddq_f64(acc0, vcvt_f64_f32(vget_low_f32(sq)));
        acc1 = vaddq_f64(acc1, vcvt_high_f64_f32(sq));
    }
    double sum = vaddvq_f64(vaddq_f64(acc0, acc1));
    for (; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
    return sum;
}

}  // namespace

void rmsnorm(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_rmsnorm_args*>(args_ptr);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a.x + t * a.n;
        float* y = a.y + t * a.n;
        const float mean = static_cast<float>(sum_of_squares(x, a.n) / static_cast<double>(a.n));
        const float inv = 1.0f / std::sqrt(mean + a.eps);
        // y may alias x: every element is read before it is written.
        int64_t i = 0;
        for (; i + 4 <= a.n; i += 4)
            vst1q_f32(y + i, vmulq_f32(vmulq_n_f32(vld1q_f32(x + i), inv), vld1q_f32(a.w + i)));
        for (; i < a.n; ++i) y[i] = (x[i] * inv) * a.w[i];
    }
}

}  // namespace bitnet::neon
