// SPDX-License-Identifier: MIT
// I2S_BLOCK_MATMUL with AVX-512 VNNI: one 64-byte chunk of I2_S codes is exactly
// one 256-weight block, so each block's dot is one decode, four vpdpbusd and a
// lane sum, minus the block's activation sum (codes 0, 1, 2 against weights -1,
// 0, +1; code 3 decodes to weight 0). Four rows share each activation load. The
// float steps are the header's, in its order, so the results are cpu-scalar's.
#include <bitnet/kernel_plugin.h>

#include "avx512_kernels.hpp"
#include "i2s_common_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kRows = 4;
constexpr int64_t kMaxBlocks = 1024;  // k <= 2^18, the loader's feed_forward_length bound

// Lane sums of code x activation for block b of up to four rows (missing rows 0).
__m128i block_dots(const CodeDecoder& dec, const uint8_t* const rows[kRows], int n_rows, const __m512i acts[4],
                   int64_t b) {
    __m512i acc[kRows];
    for (int j = 0; j < kRows; ++j) {
        acc[j] = _mm512_setzero_si512();
        if (j >= n_rows) continue;
        __m512i planes[4];
        dec.decode(_mm512_loadu_si512(rows[j] + b * kChunkBytes), planes);
        for (int p = 0; p < 4; ++p) acc[j] = _mm512_dpbusd_epi32(acc[j], planes[p], acts[p]);
    }
    return reduce4_epi32(acc[0], acc[1], acc[2], acc[3]);
}

}  // namespace

void i2s_block_matmul_vnni(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_block_matmul_args*>(raw);
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k, blocks = k / kChunkWeights;
    if (blocks > kMaxBlocks) return;  // beyond every shape the host loads
    const CodeDecoder dec;
    int32_t qsum[kMaxBlocks];
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        const int8_t* q = a->q + t * k;
        for (int64_t b = 0; b < blocks; ++b) qsum[b] = sum_i8(q + b * kChunkWeights, kChunkWeights);
        for (int64_t r = begin; r < end; r += kRows) {
            const int n_rows = static_cast<int>(end - r < kRows ? end - r : kRows);
            const uint8_t* rows[kRows];
            for (int j = 0; j < kRows; ++j) rows[j] = w->data + (r + (j < n_rows ? j : 0)) * (k / 4);
            float acc[kRows] = {0.0f, 0.0f, 0.0f, 0.0f};
            for (int64_t b = 0; b < blocks; ++b) {
                __m512i acts[4];
                load_activation_planes(q + b * kChunkWeights, false, acts);
                alignas(16) int32_t dots[4];
                _mm_store_si128(reinterpret_cast<__m128i*>(dots), block_dots(dec, rows, n_rows, acts, b));
                for (int j = 0; j < n_rows; ++j) {
                    const float prod = static_cast<float>(dots[j] - qsum[b]) * a->block_scale[(r + j) * blocks + b];
                    acc[j] = acc[j] + prod;
                }
            }
            for (int j = 0; j < n_rows; ++j) a->y[t * a->ldy + r + j] = acc[j] / a->act_scale[t];
        }
    }
}

}  // namespace bitnet::avx512
