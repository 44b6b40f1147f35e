// SPDX-License-Identifier: MIT
// I2S_BLOCK_MATMUL with NEON: a 256-weight scale block is two 128-weight I2_S
// blocks, so its dot is two i2s_code_dot_128 minus the block's activation sum
// (codes 0, 1, 2 against weights -1, 0, +1). The float steps are the header's,
// in its order and without fma (-ffp-contract=off), so the results are
// cpu-scalar's bit for bit.
#include "kernels.hpp"
#include "simd_neon.hpp"

namespace bitnet::neon {
namespace {

constexpr int64_t kBlockWeights = 256;
constexpr int64_t kMaxBlocks = 1024;  // k <= 2^18, the loader's feed_forward_length bound
constexpr int kRows = 2;              // rows sharing each activation load

}  // namespace

void i2s_block_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_i2s_block_matmul_args*>(raw);
    const bitnet_kp_i2s_weights& w = *a.w;
    const int64_t k = w.k, blocks = k / kBlockWeights, row_bytes = k / 4;
    if (blocks > kMaxBlocks) return;  // beyond every shape the host loads
    int32_t qsum[kMaxBlocks];
    for (int64_t t = 0; t < a.n_tokens; ++t) {
        const int8_t* q = a.q + t * k;
        for (int64_t b = 0; b < blocks; ++b) qsum[b] = sum_i8(q + b * kBlockWeights, kBlockWeights);
        for (int64_t r = begin; r < end; r += kRows) {
            const int n_rows = end - r < kRows ? static_cast<int>(end - r) : kRows;
            float acc[kRows] = {0.0f, 0.0f};
            for (int64_t b = 0; b < blocks; ++b) {
                const int8_t* qb = q + b * kBlockWeights;
                for (int j = 0; j < n_rows; ++j) {
                    const uint8_t* codes = w.data + (r + j) * row_bytes + b * (kBlockWeights / 4);
                    const int32x4_t half = i2s_code_dot_128(vdupq_n_s32(0), codes, qb);
                    const int32x4_t d = i2s_code_dot_128(half, codes + 32, qb + 128);
                    const float prod =
                        static_cast<float>(vaddvq_s32(d) - qsum[b]) * a.block_scale[(r + j) * blocks + b];
                    acc[j] = acc[j] + prod;
                }
            }
            for (int j = 0; j < n_rows; ++j) a.y[t * a.ldy + r + j] = acc[j] / a.act_scale[t];
        }
    }
}

}  // namespace bitnet::neon
