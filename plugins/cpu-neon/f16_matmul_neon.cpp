// F16 weight x f32 input matmul (the tied output head), NEON. The input is rounded
// to f16 on the fly (FCVTN, ties to even, then back) because the reference rounds
// it before the dot product. Four rows share each input load; two accumulators
// per row hide the FMA latency.
#include "kernels.hpp"
#include "simd_neon.hpp"

#include <algorithm>

namespace bitnet::neon {

namespace {

constexpr int kRowTile = 4;

void dot4(const uint16_t* const w[kRowTile], const float* x, int64_t k, float out[kRowTile]) {
    float32x4_t acc0[kRowTile], acc1[kRowTile];
    for (int i = 0; i < kRowTile; ++i) acc0[i] = acc1[i] = vdupq_n_f32(0.0f);
    int64_t c = 0;
    for (; c + 8 <= k; c += 8) {
        const float32x4_t x0 = round_to_f16(vld1q_f32(x + c));
        const float32x4_t x1 = round_to_f16(vld1q_f32(x + c + 4));
        for (int i = 0; i < kRowTile; ++i) {
            acc0[i] = vfmaq_f32(acc0[i], load_f16(w[i] + c), x0);
            acc1[i] = vfmaq_f32(acc1[i], load_f16(w[i] + c + 4), x1);
        }
    }
    if (c < k) {
        // The last k % 8 columns, zero-padded into one step.
        alignas(16) float xt[8] = {};
        alignas(16) uint16_t wt[kRowTile][8] = {};
        std::copy(x + c, x + k, xt);
        for (int i = 0; i < kRowTile; ++i) std::copy(w[i] + c, w[i] + k, wt[i]);
        const float32x4_t x0 = round_to_f16(vld1q_f32(xt));
        const float32x4_t x1 = round_to_f16(vld1q_f32(xt + 4));
        for (int i = 0; i < kRowTile; ++i) {
            acc0[i] = vfmaq_f32(acc0[i], load_f16(wt[i]), x0);
            acc1[i] = vfmaq_f32(acc1[i], load_f16(wt[i] + 4), x1);
        }
    }
    for (int i = 0; i < kRowTile; ++i) out[i] = vaddvq_f32(vaddq_f32(acc0[i], acc1[i]));
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
