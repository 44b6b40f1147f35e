// SPDX-License-Identifier: MIT
// Ternary GEMV (I2_S weights x int8 activations), baseline NEON: widening
// multiply-accumulate of the codes {0,1,2} with the int8 activations
// (i2s_code_dot_128), minus the activation sum.
#include "kernels.hpp"
#include "simd_neon.hpp"

namespace bitnet::neon {

namespace {

int64_t row_code_dot(const uint8_t* row, const int8_t* q, int64_t k) {
    int32x4_t acc = vdupq_n_s32(0);
    for (int64_t base = 0; base < k; base += 128, row += 32, q += 128)
        acc = i2s_code_dot_128(acc, row, q);
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
