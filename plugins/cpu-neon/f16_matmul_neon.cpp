// SPDX-License-Identifier: MIT
// F16 weight x f32 input matmul (the tied output head), NEON. The input is rounded
// to f16 on the fly (FCVTN, ties to even, then back) because the reference rounds
// it before the dot product. Four rows share each input load; each row's sum is
// kernel_plugin.h's dot16, so it is cpu-scalar's bit for bit.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <algorithm>

namespace bitnet::neon {

namespace {

constexpr int kRowTile = 4;

// kernel_plugin.h's dot16 for four rows: acc[i][j] holds lanes 4j..4j+3 of
// row i; the last k % 16 columns go through one zero-padded step.
void dot4(const uint16_t* const w[kRowTile], const float* x, int64_t k, float out[kRowTile]) {
    float32x4_t acc[kRowTile][4];
    for (auto& row : acc)
        for (auto& v : row) v = vdupq_n_f32(0.0f);
    auto step = [&](const float* xs, const uint16_t* const ws[kRowTile]) {
        for (int j = 0; j < 4; ++j) {
            const float32x4_t xv = round_to_f16(vld1q_f32(xs + 4 * j));
            for (int i = 0; i < kRowTile; ++i) acc[i][j] = vfmaq_f32(acc[i][j], load_f16(ws[i] + 4 * j), xv);
        }
    };
    int64_t c = 0;
    for (; c + 16 <= k; c += 16) {
        const uint16_t* ws[kRowTile];
        for (int i = 0; i < kRowTile; ++i) ws[i] = w[i] + c;
        step(x + c, ws);
    }
    if (c < k) {
        alignas(16) float xt[16] = {};
        alignas(16) uint16_t wt[kRowTile][16] = {};
        const uint16_t* ws[kRowTile];
        std::copy(x + c, x + k, xt);
        for (int i = 0; i < kRowTile; ++i) {
            std::copy(w[i] + c, w[i] + k, wt[i]);
            ws[i] = wt[i];
        }
        step(xt, ws);
    }
    for (int i = 0; i < kRowTile; ++i) out[i] = fold16(acc[i][0], acc[i][1], acc[i][2], acc[i][3]);
}

}  // namespace

void f16_matmul(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_f16_matmul_args*>(args_ptr);
    for (int64_t r0 = begin; r0 < end; r0 += kRowTile) {
        const int rows = static_cast<int>(std::min<int64_t>(kRowTile, end - r0));
        // A short last tile repeats its first row; those sums are discarded.
        const uint16_t* w[kRowTile];
        for (int i = 0; i < kRowTile; ++i) w[i] = a.w + (r0 + (i < rows ? i : 0)) * a.k;
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            float out[kRowTile];
            dot4(w, a.x + t * a.k, a.k, out);
            for (int i = 0; i < rows; ++i) a.y[t * a.ldy + r0 + i] = out[i];
        }
    }
}

}  // namespace bitnet::neon
