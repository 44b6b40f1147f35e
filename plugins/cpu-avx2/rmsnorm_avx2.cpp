// SPDX-License-Identifier: MIT
// RMSNorm, AVX2. Squares are formed in float and accumulated in double, as the
// header requires. Only the order of the double additions differs from the
// reference, and mean_square() proves that cannot change the float mean (or
// falls back to the reference's order), so y is bitwise the reference's and the
// int8 quantization downstream sees the same values.
#include "kernels.hpp"
#include "simd_avx2.hpp"

#include <cmath>

namespace bitnet::avx2 {

namespace {

double sum_of_squares(const float* x, int64_t n) {
    __m256d acc0 = _mm256_setzero_pd();
    __m256d acc1 = _mm256_setzero_pd();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        const __m256 sq = _mm256_mul_ps(v, v);
        acc0 = _mm256_add_pd(acc0, _mm256_cvtps_pd(_mm256_castps256_ps128(sq)));
        acc1 = _mm256_add_pd(acc1, _mm256_cvtps_pd(_mm256_extractf128_ps(sq, 1)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, _mm256_add_pd(acc0, acc1));
    double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
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
        const __m256 iv = _mm256_set1_ps(inv);
        int64_t i = 0;
        for (; i + 8 <= a.n; i += 8) {
            const __m256 v = _mm256_mul_ps(_mm256_loadu_ps(x + i), iv);
            _mm256_storeu_ps(y + i, _mm256_mul_ps(v, _mm256_loadu_ps(a.w + i)));
        }
        for (; i < a.n; ++i) y[i] = (x[i] * inv) * a.w[i];
    }
}

}  // namespace bitnet::avx2
