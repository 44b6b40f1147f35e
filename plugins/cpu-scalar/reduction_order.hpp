// SPDX-License-Identifier: MIT
// The reduction order of kernel_plugin.h ("Reduction order") written out lane by
// lane. It is the definition the SIMD plugins reproduce bitwise, so it spells out
// every rounding point instead of looking like a plain loop.
#pragma once

#include <cmath>
#include <cstdint>

namespace bitnet::scalar {

constexpr int kLanes = 16;

// Lane 0 after folding the lanes by halves: l[j] += l[j + h] for h = 8, 4, 2, 1.
template <typename T>
T fold_lanes(T (&lane)[kLanes]) {
    for (int h = kLanes / 2; h >= 1; h /= 2) {
        for (int j = 0; j < h; ++j) lane[j] = lane[j] + lane[j + h];
    }
    return lane[0];
}

// dot16: element i into lane i % 16 with a fused multiply-add.
template <typename A, typename B>
float dot16(A a, B b, int64_t n) {
    float lane[kLanes] = {};
    for (int64_t i = 0; i < n; ++i) {
        lane[i % kLanes] = std::fma(a(i), b(i), lane[i % kLanes]);
    }
    return fold_lanes(lane);
}

// sum16d: floats summed in sixteen double lanes.
inline double sum16d(const float* e, int64_t n) {
    double lane[kLanes] = {};
    for (int64_t p = 0; p < n; ++p) {
        lane[p % kLanes] = lane[p % kLanes] + static_cast<double>(e[p]);
    }
    return fold_lanes(lane);
}

// exp_ref: e^x by x = k ln2 + r (ln2 in two parts), Taylor to r^11, times 2^k.
inline double exp_ref(double x) {
    constexpr double kInvFact[12] = {1.0,         1.0,          1.0 / 2,       1.0 / 6,
                                     1.0 / 24,    1.0 / 120,    1.0 / 720,     1.0 / 5040,
                                     1.0 / 40320, 1.0 / 362880, 1.0 / 3628800, 1.0 / 39916800};
    x = std::fmax(x, -746.0);
    const double k = std::nearbyint(x * 1.4426950408889634);
    double r = std::fma(-k, 0x1.62e42fefa39efp-1, x);
    r = std::fma(-k, 0x1.abc9e3b39803fp-56, r);
    double s = kInvFact[11];
    for (int i = 10; i >= 0; --i) s = std::fma(s, r, kInvFact[i]);
    return std::ldexp(s, static_cast<int>(k));
}

}  // namespace bitnet::scalar
