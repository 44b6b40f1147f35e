// SPDX-License-Identifier: MIT
// Ternary GEMM (I2_S weights x many int8 token rows), NEON with the dot-product
// extension: the tiling of i2s_gemm_tiled.hpp with an SDOT dot, which adds four
// products straight into each int32 lane.
#include "i2s_gemm_tiled.hpp"
#include "kernels.hpp"

namespace bitnet::neon {

namespace {

void dot_4x2_sdot(const uint8_t* const codes[kRowTile], const int8_t* q0, const int8_t* q1, int64_t n,
                  int64_t dots[kRowTile][2]) {
    int32x4_t acc[kRowTile][2];
    for (auto& row : acc) row[0] = row[1] = vdupq_n_s32(0);
    for (int64_t c = 0; c < n; c += 16) {
        const int8x16_t a = vld1q_s8(q0 + c);
        const int8x16_t b = vld1q_s8(q1 + c);
#pragma GCC unroll 4
        for (int i = 0; i < kRowTile; ++i) {
            const int8x16_t w = vreinterpretq_s8_u8(vld1q_u8(codes[i] + c));
            acc[i][0] = vdotq_s32(acc[i][0], w, a);
            acc[i][1] = vdotq_s32(acc[i][1], w, b);
        }
    }
    for (int i = 0; i < kRowTile; ++i)
        for (int j = 0; j < 2; ++j) dots[i][j] = vaddvq_s32(acc[i][j]);
}

}  // namespace

void i2s_gemm_dotprod(const void* args_ptr, int64_t begin, int64_t end) {
    i2s_gemm_tiled(*static_cast<const bitnet_kp_i2s_matmul_args*>(args_ptr), begin, end, dot_4x2_sdot);
}

}  // namespace bitnet::neon
