// SPDX-License-Identifier: MIT
// Ternary GEMV (I2_S weights x int8 activations), AVX2: one row at a time straight
// from the file layout. vpmaddubsw multiplies the unsigned codes {0,1,2} by the
// signed activations; a pair sum is at most 2*2*128 = 512 in magnitude, so the
// int16 lanes never saturate, and four groups of one block (<= 2048) still fit
// before vpmaddwd widens them to int32.
#include "kernels.hpp"
#include "simd_avx2.hpp"

namespace bitnet::avx2 {

namespace {

int64_t row_code_dot(const uint8_t* row, const int8_t* q, int64_t k) {
    const __m256i ones = _mm256_set1_epi16(1);
    __m256i acc = _mm256_setzero_si256();
    for (int64_t base = 0; base < k; base += 128, row += 32, q += 128) {
        const I2sGroups c = i2s_unpack_block(row);
        __m256i s = _mm256_maddubs_epi16(c.g[0], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q)));
        s = _mm256_add_epi16(
            s, _mm256_maddubs_epi16(c.g[1], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 32))));
        s = _mm256_add_epi16(
            s, _mm256_maddubs_epi16(c.g[2], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 64))));
        s = _mm256_add_epi16(
            s, _mm256_maddubs_epi16(c.g[3], _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q + 96))));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(s, ones));
    }
    return hsum_epi32(acc);
}

}  // namespace

void i2s_gemv(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_i2s_matmul_args*>(args_ptr);
    const bitnet_kp_i2s_weights& w = *a.w;
    const int64_t row_bytes = w.k / 4;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* row = w.data + r * row_bytes;
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int64_t dot = row_code_dot(row, a.q + t * w.k, w.k);
            a.y[t * a.ldy + r] = i2s_output(dot, a.act_sum[t], a.act_scale[t], w.scale);
        }
    }
}

}  // namespace bitnet::avx2
