// SPDX-License-Identifier: MIT
// Ternary GEMM (I2_S weights x many int8 token rows), baseline NEON: the tiling of
// i2s_gemm_tiled.hpp with a widening multiply-accumulate dot. Products are within
// [-256, 254]; each int16 lane takes 2 per 16 columns and is widened every
// kColumnsPerWiden columns (64 products, |sum| <= 16384).
#include "i2s_gemm_tiled.hpp"
#include "kernels.hpp"

namespace bitnet::neon {

namespace {

constexpr int64_t kColumnsPerWiden = 512;

void dot_4x2_widening(const uint8_t* const codes[kRowTile], const int8_t* q0, const int8_t* q1, int64_t n,
                      int64_t dots[kRowTile][2]) {
    int32x4_t wide[kRowTile][2];
    for (auto& row : wide) row[0] = row[1] = vdupq_n_s32(0);
    for (int64_t c0 = 0; c0 < n; c0 += kColumnsPerWiden) {
        const int64_t c_end = std::min(n, c0 + kColumnsPerWiden);
        int16x8_t s[kRowTile][2];
        for (auto& row : s) row[0] = row[1] = vdupq_n_s16(0);
        for (int64_t c = c0; c < c_end; c += 16) {
            const int8x16_t a = vld1q_s8(q0 + c);
            const int8x16_t b = vld1q_s8(q1 + c);
#pragma GCC unroll 4
            for (int i = 0; i < kRowTile; ++i) {
                const int8x16_t w = vreinterpretq_s8_u8(vld1q_u8(codes[i] + c));
                s[i][0] = vmlal_high_s8(vmlal_s8(s[i][0], vget_low_s8(w), vget_low_s8(a)), w, a);
                s[i][1] = vmlal_high_s8(vmlal_s8(s[i][1], vget_low_s8(w), vget_low_s8(b)), w, b);
            }
        }
        for (int i = 0; i < kRowTile; ++i)
            for (int j = 0; j < 2; ++j) wide[i][j] = vpadalq_s16(wide[i][j], s[i][j]);
    }
    for (int i = 0; i < kRowTile; ++i)
        for (int j = 0; j < 2; ++j) dots[i][j] = vaddvq_s32(wide[i][j]);
}

}  // namespace

void i2s_gemm(const void* args_ptr, int64_t begin, int64_t end) {
    i2s_gemm_tiled(*static_cast<const bitnet_kp_i2s_matmul_args*>(args_ptr), begin, end, dot_4x2_widening);
}

}  // namespace bitnet::neon
