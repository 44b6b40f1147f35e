// SPDX-License-Identifier: MIT
// Ternary I2_S weights x int8 activations, the reference way: an exact int32 dot
// product per (row, token), then one float division and one multiplication.
#include <bitnet/kernel_plugin.h>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {
namespace {

// Code 3 never occurs in valid files; the reference decodes it to 0.
constexpr int32_t kWeightOfCode[4] = {-1, 0, 1, 0};

constexpr int64_t kBlock = 128;       // weights per block
constexpr int64_t kBlockBytes = 32;   // bytes per block

// Exact: |acc| <= 128 * k, far below 2^31 for any k the format allows.
int32_t ternary_dot(const uint8_t* row, const int8_t* q, int64_t k) {
    int32_t acc = 0;
    for (int64_t block = 0; block < k / kBlock; ++block) {
        const uint8_t* bytes = row + block * kBlockBytes;
        const int8_t* qb = q + block * kBlock;
        for (int64_t b = 0; b < kBlockBytes; ++b) {
            const uint8_t byte = bytes[b];
            acc += kWeightOfCode[(byte >> 6) & 3] * qb[b];
            acc += kWeightOfCode[(byte >> 4) & 3] * qb[32 + b];
            acc += kWeightOfCode[(byte >> 2) & 3] * qb[64 + b];
            acc += kWeightOfCode[byte & 3] * qb[96 + b];
        }
    }
    return acc;
}

}  // namespace

// Per 256-weight block: two I2_S blocks' exact dot, one product and one sum.
void i2s_block_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_block_matmul_args*>(raw);
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k, blocks = k / 256;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* row = w->data + r * (k / 4);
        const float* d = a->block_scale + r * blocks;
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int8_t* q = a->q + t * k;
            float acc = 0.0f;
            for (int64_t b = 0; b < blocks; ++b) {
                const float prod = static_cast<float>(ternary_dot(row + b * 64, q + b * 256, 256)) * d[b];
                acc = acc + prod;
            }
            a->y[t * a->ldy + r] = acc / a->act_scale[t];
        }
    }
}

// Serves both GEMV (n_tokens == 1) and GEMM: rows [begin, end) of every token.
void i2s_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    const bitnet_kp_i2s_weights* w = a->w;
    const int64_t k = w->k;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* row = w->data + r * (k / 4);
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int32_t acc = ternary_dot(row, a->q + t * k, k);
            // (float)acc is exact (|acc| < 2^24 for k < 2^17), so the only
            // roundings are the division and the multiplication, in this order.
            a->y[t * a->ldy + r] = static_cast<float>(acc) / a->act_scale[t] * w->scale;
        }
    }
}

}  // namespace bitnet::scalar
