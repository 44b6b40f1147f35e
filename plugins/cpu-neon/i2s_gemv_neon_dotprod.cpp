// SPDX-License-Identifier: MIT
// Ternary GEMV (I2_S weights x int8 activations), NEON with the dot-product
// extension: vdotq_s32 adds four code {0,1,2} x int8 products straight into each
// int32 lane, so no narrower sum can overflow.
#include "kernels.hpp"
#include "simd_neon.hpp"

namespace bitnet::neon {

namespace {

int64_t row_code_dot(const uint8_t* row, const int8_t* q, int64_t k) {
    int32x4_t acc0 = vdupq_n_s32(0);
    int32x4_t acc1 = vdupq_n_s32(0);
    for (int64_t base = 0; base < k; base += 128, row += 32, q += 128) {
        const I2sGroups c = i2s_unpack_block(row);
        for (int j = 0; j < 4; ++j) {
            acc0 = vdotq_s32(acc0, vreinterpretq_s8_u8(c.g[j][0]), vld1q_s8(q + 32 * j));
            acc1 = vdotq_s32(acc1, vreinterpretq_s8_u8(c.g[j][1]), vld1q_s8(q + 32 * j + 16));
        }
    }
    return vaddvq_s32(vaddq_s32(acc0, acc1));
}

}  // namespace

void i2s_gemv_dotprod(const void* args_ptr, int64_t begin, int64_t end) {
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
