// SPDX-License-Identifier: MIT
// Ternary GEMV (I2_S weights x int8 activations), baseline NEON: widening
// multiply-accumulate of the codes {0,1,2} with the int8 activations. A product
// is within [-256, 254]; each int16 lane takes 8 of them per block (<= 2048)
// before vpadalq widens it into int32.
#include "kernels.hpp"
#include "simd_neon.hpp"

namespace bitnet::neon {

namespace {

int64_t row_code_dot(const uint8_t* row, const int8_t* q, int64_t k) {
    int32x4_t acc = vdupq_n_s32(0);
    for (int64_t base = 0; base < k; base += 128, row += 32, q += 128) {
        const I2sGroups c = i2s_unpack_block(row);
        int16x8_t s0 = vdupq_n_s16(0);
        int16x8_t s1 = vdupq_n_s16(0);
        for (int j = 0; j < 4; ++j)
            for (int h = 0; h < 2; ++h) {
                const int8x16_t cv = vreinterpretq_s8_u8(c.g[j][h]);
                const int8x16_t qv = vld1q_s8(q + 32 * j + 16 * h);
                s0 = vmlal_s8(s0, vget_low_s8(cv), vget_low_s8(qv));
                s1 = vmlal_high_s8(s1, cv, qv);
            }
        acc = vpadalq_s16(acc, s0);
        acc = vpadalq_s16(acc, s1);
    }
    return vaddvq_s32(acc);
}

}  // namespace

void i2s_gemv(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_i2s_matmul_args*>(args_ptr);
    const bitnet_kp_i2s_weights& w = *a.w;
    const int64_t row_bytes = w.k / 4;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* row = w.data + r * row_bytes;
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int64_t dot = row_code_dot(row, a.q + t * w.k, w.k);
            a.y[t * a.ldy + r] = i2s_output(dot, a.act_sum[t], a.act_scale[t], w.scale);
        }
    }
}

}  // namespace bitnet::neon
