// SPDX-License-Identifier: MIT
// F16 weight x f32 input matmul (the tied output head), AVX2 + FMA + F16C. The
// input is rounded to f16 on the fly (cvtps_ph then cvtph_ps, round to nearest
// even) because the reference rounds it before the dot product. Four rows share
// each input load; each row's two accumulators are the sixteen lanes of
// kernel_plugin.h's dot16, so the sums are cpu-scalar's bit for bit.
#include "kernels.hpp"
#include "simd_avx2.hpp"

#include <algorithm>

namespace bitnet::avx2 {

namespace {

constexpr int kRowTile = 4;

inline __m256 round_to_f16(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

// The last k % 8 columns, zero-padded into one vector step.
struct Tail {
    alignas(32) float x[8] = {};
    alignas(16) uint16_t w[kRowTile][8] = {};
};

void dot4(const uint16_t* const w[kRowTile], const float* x, int64_t k, float out[kRowTile]) {
    __m256 acc0[kRowTile], acc1[kRowTile];
    for (int i = 0; i < kRowTile; ++i) acc0[i] = acc1[i] = _mm256_setzero_ps();
    int64_t c = 0;
    for (; c + 16 <= k; c += 16) {
        const __m256 x0 = round_to_f16(_mm256_loadu_ps(x + c));
        const __m256 x1 = round_to_f16(_mm256_loadu_ps(x + c + 8));
        for (int i = 0; i < kRowTile; ++i) {
            acc0[i] = _mm256_fmadd_ps(load_f16(w[i] + c), x0, acc0[i]);
            acc1[i] = _mm256_fmadd_ps(load_f16(w[i] + c + 8), x1, acc1[i]);
        }
    }
    if (c + 8 <= k) {
        const __m256 x0 = round_to_f16(_mm256_loadu_ps(x + c));
        for (int i = 0; i < kRowTile; ++i) acc0[i] = _mm256_fmadd_ps(load_f16(w[i] + c), x0, acc0[i]);
        c += 8;
    }
    if (c < k) {
        Tail tail;
        std::copy(x + c, x + k, tail.x);
        for (int i = 0; i < kRowTile; ++i) std::copy(w[i] + c, w[i] + k, tail.w[i]);
        // Element c lives in lane c % 16: acc0 holds lanes 0-7, acc1 lanes 8-15.
        __m256* acc = c % 16 == 0 ? acc0 : acc1;
        const __m256 x0 = round_to_f16(_mm256_load_ps(tail.x));
        for (int i = 0; i < kRowTile; ++i) acc[i] = _mm256_fmadd_ps(load_f16(tail.w[i]), x0, acc[i]);
    }
    // kernel_plugin.h's folds: h = 8 here, then 4, 2, 1 in hsum_ps.
    for (int i = 0; i < kRowTile; ++i) out[i] = hsum_ps(_mm256_add_ps(acc0[i], acc1[i]));
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

}  // namespace bitnet::avx2
