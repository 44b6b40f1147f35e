// SPDX-License-Identifier: MIT
// NEON helpers shared by the kernel files. They live in an unnamed namespace on
// purpose: the *_dotprod files are compiled with an extra ISA flag, and internal
// linkage keeps the linker from merging their copies with the baseline ones.
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace bitnet::neon {
namespace {

// One I2_S block is 32 bytes holding 128 codes; group j (0..3) of the block is
// elements 32j..32j+31, stored in bits 7-2j..6-2j of the 32 bytes in order.
// g[j][h] holds elements 32j + 16h .. +15 as bytes 0..2, code 3 already mapped to
// 1 so that "sum of code * q minus sum of q" treats it as weight 0.
struct I2sGroups {
    uint8x16_t g[4][2];
};

inline I2sGroups i2s_unpack_block(const uint8_t* block) {
    const uint8x16_t mask = vdupq_n_u8(0x03);
    const uint8x16_t low_bits = vdupq_n_u8(0x55);
    I2sGroups out;
    for (int h = 0; h < 2; ++h) {
        uint8x16_t b = vld1q_u8(block + 16 * h);
        // A field 0b11 has its low bit set: clear its high bit, turning 3 into 1.
        b = vbicq_u8(b, vshlq_n_u8(vandq_u8(b, low_bits), 1));
        out.g[0][h] = vshrq_n_u8(b, 6);
        out.g[1][h] = vandq_u8(vshrq_n_u8(b, 4), mask);
        out.g[2][h] = vandq_u8(vshrq_n_u8(b, 2), mask);
        out.g[3][h] = vandq_u8(b, mask);
    }
    return out;
}

// y of the ternary matmul from the exact integer dot of codes {0,1,2} with q:
// ((float)(dot - act_sum)) / act_scale * w_scale, in that order (kernel_plugin.h).
// acc plus the int32 lane sums of codes x q over one 128-weight I2_S block (32
// bytes of codes, 128 activations): widening multiply-accumulate, each product
// within [-256, 254] and each int16 lane taking 8 of them (<= 2048) before
// vpadalq folds it into acc.
inline int32x4_t i2s_code_dot_128(int32x4_t acc, const uint8_t* block, const int8_t* q) {
    const I2sGroups c = i2s_unpack_block(block);
    int16x8_t s0 = vdupq_n_s16(0);
    int16x8_t s1 = vdupq_n_s16(0);
    for (int j = 0; j < 4; ++j)
        for (int h = 0; h < 2; ++h) {
            const int8x16_t cv = vreinterpretq_s8_u8(c.g[j][h]);
            const int8x16_t qv = vld1q_s8(q + 32 * j + 16 * h);
            s0 = vmlal_s8(s0, vget_low_s8(cv), vget_low_s8(qv));
            s1 = vmlal_high_s8(s1, cv, qv);
        }
    return vpadalq_s16(vpadalq_s16(acc, s0), s1);
}

// The sum of n int8 values, n % 16 == 0.
inline int32_t sum_i8(const int8_t* q, int64_t n) {
    int32x4_t acc = vdupq_n_s32(0);
    for (int64_t i = 0; i < n; i += 16) acc = vpadalq_s16(acc, vpaddlq_s8(vld1q_s8(q + i)));
    return vaddvq_s32(acc);
}

inline float i2s_output(int64_t code_dot, int32_t act_sum, float act_scale, float w_scale) {
    return static_cast<float>(code_dot - act_sum) / act_scale * w_scale;
}

inline float32x4_t load_f16(const uint16_t* p) { return vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(p))); }

// f32 -> nearest f16 (ties to even, the default FPCR mode) -> f32.
inline float32x4_t round_to_f16(float32x4_t v) { return vcvt_f32_f16(vcvt_f16_f32(v)); }

inline float f16_to_f32(uint16_t h) {
    return vgetq_lane_f32(vcvt_f32_f16(vreinterpret_f16_u16(vdup_n_u16(h))), 0);
}

inline float round_to_f16(float v) { return vgetq_lane_f32(round_to_f16(vdupq_n_f32(v)), 0); }

// kernel_plugin.h's folds h = 8, 4, 2, 1 of sixteen lanes held as four vectors
// of lanes 0-3, 4-7, 8-11, 12-15.
inline float fold16(float32x4_t a0, float32x4_t a1, float32x4_t a2, float32x4_t a3) {
    const float32x4_t s4 = vaddq_f32(vaddq_f32(a0, a2), vaddq_f32(a1, a3));
    const float32x2_t s2 = vadd_f32(vget_low_f32(s4), vget_high_f32(s4));
    return vget_lane_f32(s2, 0) + vget_lane_f32(s2, 1);
}

}  // namespace
}  // namespace bitnet::neon
