// SPDX-License-Identifier: MIT
// The tiling shared by the two NEON ternary GEMM kernels: weights are unpacked
// once per tile of kRowTile rows x kChunk columns into code bytes (element order,
// code 3 already mapped to 1) and that tile is reused by every token of a token
// tile. The kernels differ only in the 4-row x 2-token dot product they plug
// in. Internal linkage for the same reason as simd_neon.hpp.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <algorithm>

#include "simd_neon.hpp"

namespace bitnet::neon {
namespace {

constexpr int kRowTile = 4;
constexpr int64_t kChunk = 2048;    // columns per unpacked tile: 4 x 2 KiB of codes
constexpr int64_t kTokenTile = 64;  // tokens sharing one unpacked tile

inline void unpack_codes(const uint8_t* row, int64_t n, uint8_t* codes) {
    for (int64_t base = 0; base < n; base += 128) {
        const I2sGroups c = i2s_unpack_block(row + base / 4);
        for (int j = 0; j < 4; ++j)
            for (int h = 0; h < 2; ++h) vst1q_u8(codes + base + 32 * j + 16 * h, c.g[j][h]);
    }
}

// Dot(codes, q0, q1, n, dots) must set dots[i][j] = sum over n columns of
// codes[i][c] * qj[c]: a 4-row x 2-token register tile.
template <class Dot>
void i2s_gemm_tiled(const bitnet_kp_i2s_matmul_args& a, int64_t begin, int64_t end, Dot dot_4x2) {
    const bitnet_kp_i2s_weights& w = *a.w;
    const int64_t row_bytes = w.k / 4;
    alignas(16) uint8_t codes[kRowTile][kChunk];
    int64_t acc[kRowTile][kTokenTile];

    for (int64_t r0 = begin; r0 < end; r0 += kRowTile) {
        const int rows = static_cast<int>(std::min<int64_t>(kRowTile, end - r0));
        // A short last tile repeats its first row; those sums are discarded.
        const uint8_t* tile[kRowTile];
        for (int i = 0; i < kRowTile; ++i) tile[i] = codes[i < rows ? i : 0];
        for (int64_t t0 = 0; t0 < a.n_tokens; t0 += kTokenTile) {
            const int64_t tokens = std::min(kTokenTile, a.n_tokens - t0);
            for (auto& row_acc : acc) std::fill(row_acc, row_acc + tokens, 0);
            for (int64_t c0 = 0; c0 < w.k; c0 += kChunk) {
                const int64_t n = std::min(kChunk, w.k - c0);
                for (int i = 0; i < rows; ++i)
                    unpack_codes(w.data + (r0 + i) * row_bytes + c0 / 4, n, codes[i]);
                for (int64_t t = 0; t < tokens; t += 2) {
                    // An odd last token is paired with itself; its twin is discarded.
                    const int8_t* q0 = a.q + (t0 + t) * w.k + c0;
                    const int8_t* q1 = t + 1 < tokens ? q0 + w.k : q0;
                    int64_t dots[kRowTile][2];
                    dot_4x2(tile, q0, q1, n, dots);
                    for (int i = 0; i < rows; ++i) {
                        acc[i][t] += dots[i][0];
                        if (t + 1 < tokens) acc[i][t + 1] += dots[i][1];
                    }
                }
            }
            for (int i = 0; i < rows; ++i)
                for (int64_t t = 0; t < tokens; ++t) {
                    const int64_t tok = t0 + t;
                    a.y[tok * a.ldy + r0 + i] =
                        i2s_output(acc[i][t], a.act_sum[tok], a.act_scale[tok], w.scale);
                }
        }
    }
}

}  // namespace
}  // namespace bitnet::neon
