// SPDX-License-Identifier: MIT
// Q6_K_MATMUL with NEON, against Q8_K input blocks. The 6-bit codes are rebuilt
// 16 at a time from ql's nibbles and qh's bit pairs and offset by -32 before the
// multiply rather than through the input's bsum: the header makes bsum the
// host's promise, the codes are what cpu-scalar reads, and the subtract is one
// instruction per 16 weights. Products are within 32 * 128, so an int16 lane
// holds two; each 16-weight sub-block's scale multiplies its int32 sums. p_b is
// one float multiply as the header says, and the lanes are
// block_matmul_neon.hpp's, hence cpu-scalar's bits.
#include "block_matmul_neon.hpp"
#include "kernels.hpp"

namespace bitnet::neon {
namespace {

constexpr int64_t kBlock = 256, kWBytes = 210, kXBytes = 292;  // Q6_K; Q8_K: float d, int8 q[256], int16 bsum[16]

// Four int32 lanes summing to the block's dot: sum over sub-blocks j of sc[j]
// times the dot of weights 16j..16j+15 (codes - 32) with q.
inline int32x4_t q6_k_dot_lanes(const uint8_t* w, const int8_t* q) {
    const uint8_t* ql = w;
    const uint8_t* qh = w + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(w + 192);
    const uint8x16_t low4 = vdupq_n_u8(0x0F), bits01 = vdupq_n_u8(0x03), bits45 = vdupq_n_u8(0x30);
    const int8x16_t offset = vdupq_n_s8(32);
    int32x4_t acc = vdupq_n_s32(0);
    for (int h = 0; h < 2; ++h)       // 128-weight half
        for (int g = 0; g < 2; ++g) {  // l in 16g..16g+15
            const uint8x16_t a = vld1q_u8(ql + 64 * h + 16 * g);       // quarters 0 (low), 2 (high)
            const uint8x16_t b = vld1q_u8(ql + 64 * h + 32 + 16 * g);  // quarters 1, 3
            const uint8x16_t hb = vld1q_u8(qh + 32 * h + 16 * g);
            const uint8x16_t v[4] = {
                vorrq_u8(vandq_u8(a, low4), vshlq_n_u8(vandq_u8(hb, bits01), 4)),
                vorrq_u8(vandq_u8(b, low4), vandq_u8(vshlq_n_u8(hb, 2), bits45)),
                vorrq_u8(vshrq_n_u8(a, 4), vandq_u8(hb, bits45)),
                vorrq_u8(vshrq_n_u8(b, 4), vandq_u8(vshrq_n_u8(hb, 2), bits45)),
            };
            for (int u = 0; u < 4; ++u) {
                const int e = 128 * h + 32 * u + 16 * g;  // first of these 16 weights
                const int8x16_t c = vsubq_s8(vreinterpretq_s8_u8(v[u]), offset);
                const int8x16_t x = vld1q_s8(q + e);
                const int16x8_t p = vmlal_high_s8(vmull_s8(vget_low_s8(c), vget_low_s8(x)), c, x);
                acc = vmlaq_n_s32(acc, vpaddlq_s16(p), sc[e / 16]);
            }
        }
    return acc;
}

BlockQuad q6_k_quad(const uint8_t* w, const uint8_t* x, int n) {
    int32x4_t d[4];
    alignas(8) uint16_t dw[4] = {0, 0, 0, 0};  // f16 +0 and 0.0f: p = 0 past the end
    alignas(16) float dx[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int i = 0; i < 4; ++i) {
        if (i < n) {
            const uint8_t* wb = w + i * kWBytes;
            const uint8_t* xb = x + i * kXBytes;
            d[i] = q6_k_dot_lanes(wb, reinterpret_cast<const int8_t*>(xb + 4));
            dw[i] = load_u16(wb + 208);
            dx[i] = load_f32(xb);
        } else {
            d[i] = vdupq_n_s32(0);
        }
    }
    return {vcvtq_f32_s32(sum_lanes4(d)), vmulq_f32(load_f16(dw), vld1q_f32(dx))};
}

}  // namespace

void q6_k_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto quad = [](const uint8_t* w, const uint8_t* x, int n) { return q6_k_quad(w, x, n); };
    block_matmul<kBlock, kWBytes, kXBytes>(*static_cast<const bitnet_kp_block_matmul_args*>(raw), begin, end, quad);
}

}  // namespace bitnet::neon
