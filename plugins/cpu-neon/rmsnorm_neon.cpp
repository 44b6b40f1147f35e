// SPDX-License-Identifier: MIT
// RMSNorm, NEON. Squares are formed in float and accumulated in double, as the
// header requires. Only the order of the double additions differs from the
// reference, and mean_square() proves that cannot change the float mean (or
// falls back to the reference's order), so y is bitwise the reference's and the
// int8 quantization downstream sees the same values.
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

// The reference's float mean of squares: index-order double sum, divided by n.
float serial_mean_square(const float* x, int64_t n) {
    double sum = 0.0;
    for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i] * x[i]);
    return static_cast<float>(sum / static_cast<double>(n));
}

// Any order of summing n non-negative doubles stays within (n-1) 2^-53 of the
// exact sum, so the reference's sum lies within 2n 2^-53 (3n for margin) of
// ours. When both ends of that interval give the same float mean (division and
// conversion are monotone), so does the reference's sum; otherwise, rarely,
// redo the sum in its order.
float mean_square(const float* x, int64_t n) {
    const double sum = sum_of_squares(x, n);
    const double slack = sum * (3.0 * static_cast<double>(n) * 0x1p-53);
    const float lo = static_cast<float>((sum - slack) / static_cast<double>(n));
    const float hi = static_cast<float>((sum + slack) / static_cast<double>(n));
    return lo == hi ? lo : serial_mean_square(x, n);
}

}  // namespace

void rmsnorm(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_rmsnorm_args*>(args_ptr);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a.x + t * a.n;
        float* y = a.y + t * a.n;
        const float mean = mean_square(x, a.n);
        const float inv = 1.0f / std::sqrt(mean + a.eps);
        // y may alias x: every element is read before it is written.
        int64_t i = 0;
        for (; i + 4 <= a.n; i += 4)
            vst1q_f32(y + i, vmulq_f32(vmulq_n_f32(vld1q_f32(x + i), inv), vld1q_f32(a.w + i)));
        for (; i < a.n; ++i) y[i] = (x[i] * inv) * a.w[i];
    }
}

}  // namespace bitnet::neon
