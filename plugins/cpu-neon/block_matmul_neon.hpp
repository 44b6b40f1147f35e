// SPDX-License-Identifier: MIT
// The part Q8_0_MATMUL and Q6_K_MATMUL share (kernel_plugin.h,
// bitnet_kp_block_matmul_args): dot16 of the per-block integer dots s_b with the
// scale products p_b. Blocks are taken four at a time, so block b lands in lane
// b % 16 of four accumulators and each lane takes its blocks in increasing b, as
// dot16 says. Unnamed namespace for the reason simd_neon.hpp gives.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstring>

#include "simd_neon.hpp"

namespace bitnet::neon {
namespace {

// s_b (already a float, rounded to nearest) and p_b of four consecutive blocks.
struct BlockQuad {
    float32x4_t s, p;
};

inline uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline float load_f32(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// Lane i of the result is the sum of d[i]'s lanes: three pairwise adds turn four
// blocks' partial sums into their four exact dots.
inline int32x4_t sum_lanes4(const int32x4_t d[4]) {
    return vpaddq_s32(vpaddq_s32(d[0], d[1]), vpaddq_s32(d[2], d[3]));
}

// One output: quad(w, x, n) gives blocks 0..n-1 (n <= 4) of w and x, and s = p = 0
// in lanes n..3, which leaves those lanes as they were: a block past the end
// contributes nothing.
template <int64_t WBytes, int64_t XBytes, typename Quad>
float block_dot16(const uint8_t* w, const uint8_t* x, int64_t blocks, Quad quad) {
    float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
    for (int64_t b0 = 0; b0 < blocks; b0 += 16) {
        for (int j = 0; j < 4; ++j) {
            const int64_t b = b0 + 4 * j;
            if (b >= blocks) break;
            const int n = blocks - b < 4 ? static_cast<int>(blocks - b) : 4;
            const BlockQuad q = quad(w + b * WBytes, x + b * XBytes, n);
            acc[j] = vfmaq_f32(acc[j], q.s, q.p);
        }
    }
    return fold16(acc[0], acc[1], acc[2], acc[3]);
}

// Every row r in [begin, end) against every token, y[t*ldy + r].
template <int64_t Block, int64_t WBytes, int64_t XBytes, typename Quad>
void block_matmul(const bitnet_kp_block_matmul_args& a, int64_t begin, int64_t end, Quad quad) {
    const int64_t blocks = a.k / Block;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* w = a.w + r * blocks * WBytes;
        for (int64_t t = 0; t < a.n_tokens; ++t)
            a.y[t * a.ldy + r] = block_dot16<WBytes, XBytes>(w, a.x + t * blocks * XBytes, blocks, quad);
    }
}

}  // namespace
}  // namespace bitnet::neon
