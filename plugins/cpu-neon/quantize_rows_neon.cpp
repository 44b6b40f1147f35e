// SPDX-License-Identifier: MIT
// F16 rows to the int8 head (QUANTIZE_ROWS_Q8, made once at load), NEON. Every
// float step is the header's own (an exact FCVTL widening, a max, one multiply,
// FCVTNS rounding half to even), so codes, scales and sums are cpu-scalar's.
// The second pass widens the halves again instead of keeping a float row: FCVTL
// is one instruction, and the f16 row is half the bytes of a float one.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <algorithm>
#include <cstring>

namespace bitnet::neon {

namespace {

constexpr int64_t kStep = 16;

// NaN lanes to +0 (the header takes a NaN element as 0). Done before the max, so
// vmaxq_f32, which would carry a NaN into amax, only ever sees numbers.
inline float32x4_t nan_to_zero(float32x4_t v) {
    return vreinterpretq_f32_u32(vandq_u32(vreinterpretq_u32_f32(v), vceqq_f32(v, v)));
}

// Elements i..i+15 of the row as floats; past k (the row's last step) the lanes
// are +0, which changes neither amax nor the sum and is never stored.
inline void widen16(const uint16_t* w, int64_t i, int64_t k, float32x4_t v[4]) {
    alignas(16) uint16_t tail[kStep] = {};
    const uint16_t* p = w + i;
    if (i + kStep > k) {
        std::copy(w + i, w + k, tail);
        p = tail;
    }
    for (int j = 0; j < 4; ++j) v[j] = nan_to_zero(load_f16(p + 4 * j));
}

void quantize_row(const uint16_t* w, int64_t k, int8_t* q, float& scale_out, int32_t& sum_out) {
    float32x4_t m = vdupq_n_f32(0.0f);
    for (int64_t i = 0; i < k; i += kStep) {
        float32x4_t v[4];
        widen16(w, i, k, v);
        for (const float32x4_t& x : v) m = vmaxq_f32(m, vabsq_f32(x));
    }
    const float amax = vmaxvq_f32(m);
    const float scale = amax / 127.0f;
    const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
    scale_out = scale;
    // inv == 0 (an all-zero row, or an infinity making scale inf): every product
    // is +-0 or inf * 0 = NaN, all of which the header maps to 0. Otherwise
    // inv is finite and every element is at most amax, so no product is NaN or
    // beyond int32 and FCVTNS is exactly round-half-even.
    if (inv == 0.0f) {
        std::memset(q, 0, static_cast<size_t>(k));
        sum_out = 0;
        return;
    }
    const float32x4_t vinv = vdupq_n_f32(inv);
    const int8x16_t lo = vdupq_n_s8(-127);
    int32x4_t sum = vdupq_n_s32(0);
    for (int64_t i = 0; i < k; i += kStep) {
        float32x4_t v[4];
        widen16(w, i, k, v);
        int32x4_t c[4];
        for (int j = 0; j < 4; ++j) c[j] = vcvtnq_s32_f32(vmulq_f32(v[j], vinv));
        // Saturating narrows clamp to [-128, 127]; the max makes it [-127, 127].
        const int16x8_t c01 = vcombine_s16(vqmovn_s32(c[0]), vqmovn_s32(c[1]));
        const int16x8_t c23 = vcombine_s16(vqmovn_s32(c[2]), vqmovn_s32(c[3]));
        const int8x16_t q8 = vmaxq_s8(vcombine_s8(vqmovn_s16(c01), vqmovn_s16(c23)), lo);
        sum = vpadalq_s16(sum, vpaddlq_s8(q8));
        if (i + kStep <= k) {
            vst1q_s8(q + i, q8);
        } else {
            alignas(16) int8_t tail[kStep];
            vst1q_s8(tail, q8);
            std::memcpy(q + i, tail, static_cast<size_t>(k - i));
        }
    }
    sum_out = vaddvq_s32(sum);
}

}  // namespace

void quantize_rows_q8(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_quantize_rows_args*>(args_ptr);
    for (int64_t r = begin; r < end; ++r)
        quantize_row(a.w + r * a.k, a.k, a.q + r * a.k, a.scale[r], a.sum[r]);
}

}  // namespace bitnet::neon
