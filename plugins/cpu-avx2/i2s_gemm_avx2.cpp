// SPDX-License-Identifier: MIT
// Ternary GEMM (I2_S weights x many int8 token rows), AVX2. Weights are unpacked
// once per tile of kRowTile rows x kChunk columns into code bytes (in element
// order, code 3 already mapped to 1) and that tile is reused by every token of a
// token tile, so the 2-bit decode is paid once per kTokenTile tokens instead of
// once per token. A 4-row x 2-token register tile shares every load.
#include "kernels.hpp"
#include "simd_avx2.hpp"

#include <algorithm>

namespace bitnet::avx2 {

namespace {

constexpr int kRowTile = 4;
constexpr int64_t kChunk = 2048;    // columns per unpacked tile: 4 x 2 KiB of codes
constexpr int64_t kTokenTile = 64;  // tokens sharing one unpacked tile
// maddubs pair sums are within [-512, 508]; 32 of them fit int16 with room to spare.
constexpr int64_t kSegmentsPerWiden = 32;

void unpack_codes(const uint8_t* row, int64_t n, uint8_t* codes) {
    for (int64_t base = 0; base < n; base += 128) {
        const I2sGroups c = i2s_unpack_block(row + base / 4);
        for (int j = 0; j < 4; ++j)
            _mm256_storeu_si256(reinterpret_cast<__m256i*>(codes + base + 32 * j), c.g[j]);
    }
}

// dots[i][j] = sum over n columns of codes[i][c] * q_j[c]: the 4 x 2 register
// tile (8 int16 sums, 2 activation vectors) that keeps the loop free of spills.
void dot_4x2(const uint8_t* const codes[kRowTile], const int8_t* q0, const int8_t* q1, int64_t n,
             int64_t dots[kRowTile][2]) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i wide[kRowTile][2];
    for (auto& row : wide) row[0] = row[1] = _mm256_setzero_si256();
    for (int64_t seg0 = 0; seg0 < n; seg0 += 32 * kSegmentsPerWiden) {
        const int64_t seg_end = std::min(n, seg0 + 32 * kSegmentsPerWiden);
        __m256i s00 = _mm256_setzero_si256(), s01 = s00, s10 = s00, s11 = s00;
        __m256i s20 = s00, s21 = s00, s30 = s00, s31 = s00;
        for (int64_t c = seg0; c < seg_end; c += 32) {
            const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q0 + c));
            const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q1 + c));
            __m256i w = _mm256_load_si256(reinterpret_cast<const __m256i*>(codes[0] + c));
            s00 = _mm256_add_epi16(s00, _mm256_maddubs_epi16(w, a));
            s01 = _mm256_add_epi16(s01, _mm256_maddubs_epi16(w, b));
            w = _mm256_load_si256(reinterpret_cast<const __m256i*>(codes[1] + c));
            s10 = _mm256_add_epi16(s10, _mm256_maddubs_epi16(w, a));
            s11 = _mm256_add_epi16(s11, _mm256_maddubs_epi16(w, b));
            w = _mm256_load_si256(reinterpret_cast<const __m256i*>(codes[2] + c));
            s20 = _mm256_add_epi16(s20, _mm256_maddubs_epi16(w, a));
            s21 = _mm256_add_epi16(s21, _mm256_maddubs_epi16(w, b));
            w = _mm256_load_si256(reinterpret_cast<const __m256i*>(codes[3] + c));
            s30 = _mm256_add_epi16(s30, _mm256_maddubs_epi16(w, a));
            s31 = _mm256_add_epi16(s31, _mm256_maddubs_epi16(w, b));
        }
        const __m256i narrow[kRowTile][2] = {{s00, s01}, {s10, s11}, {s20, s21}, {s30, s31}};
        for (int i = 0; i < kRowTile; ++i)
            for (int j = 0; j < 2; ++j)
                wide[i][j] = _mm256_add_epi32(wide[i][j], _mm256_madd_epi16(narrow[i][j], ones));
    }
    for (int i = 0; i < kRowTile; ++i)
        for (int j = 0; j < 2; ++j) dots[i][j] = hsum_epi32(wide[i][j]);
}

}  // namespace

void i2s_gemm(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_i2s_matmul_args*>(args_ptr);
    const bitnet_kp_i2s_weights& w = *a.w;
    const int64_t row_bytes = w.k / 4;
    alignas(32) uint8_t codes[kRowTile][kChunk];
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

}  // namespace bitnet::avx2
