// SPDX-License-Identifier: MIT
// Q8_0_MATMUL with NEON. A block's dot goes through int16 products widened into
// int32 at once (vpadalq): two products of -128 * -128 would overflow an int16
// lane, and a weight file may hold -128. The f16 scales' product is exact in
// float, so p_b has no rounding to match; s_b and the lanes are
// block_matmul_neon.hpp's, hence cpu-scalar's bits.
#include "block_matmul_neon.hpp"
#include "kernels.hpp"

namespace bitnet::neon {
namespace {

constexpr int64_t kBlock = 32, kBytes = 34;  // f16 d, int8 q[32]

// Four int32 lanes summing to the block's dot.
inline int32x4_t q8_0_dot_lanes(const uint8_t* w, const uint8_t* x) {
    const int8x16_t w0 = vld1q_s8(reinterpret_cast<const int8_t*>(w + 2));
    const int8x16_t w1 = vld1q_s8(reinterpret_cast<const int8_t*>(w + 18));
    const int8x16_t x0 = vld1q_s8(reinterpret_cast<const int8_t*>(x + 2));
    const int8x16_t x1 = vld1q_s8(reinterpret_cast<const int8_t*>(x + 18));
    int32x4_t acc = vpaddlq_s16(vmull_s8(vget_low_s8(w0), vget_low_s8(x0)));
    acc = vpadalq_s16(acc, vmull_high_s8(w0, x0));
    acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(w1), vget_low_s8(x1)));
    return vpadalq_s16(acc, vmull_high_s8(w1, x1));
}

BlockQuad q8_0_quad(const uint8_t* w, const uint8_t* x, int n) {
    int32x4_t d[4];
    alignas(8) uint16_t dw[4] = {0, 0, 0, 0}, dx[4] = {0, 0, 0, 0};  // f16 +0: p = 0 past the end
    for (int i = 0; i < 4; ++i) {
        if (i < n) {
            d[i] = q8_0_dot_lanes(w + i * kBytes, x + i * kBytes);
            dw[i] = load_u16(w + i * kBytes);
            dx[i] = load_u16(x + i * kBytes);
        } else {
            d[i] = vdupq_n_s32(0);
        }
    }
    return {vcvtq_f32_s32(sum_lanes4(d)), vmulq_f32(load_f16(dw), load_f16(dx))};
}

}  // namespace

void q8_0_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto quad = [](const uint8_t* w, const uint8_t* x, int n) { return q8_0_quad(w, x, n); };
    block_matmul<kBlock, kBytes, kBytes>(*static_cast<const bitnet_kp_block_matmul_args*>(raw), begin, end, quad);
}

}  // namespace bitnet::neon
