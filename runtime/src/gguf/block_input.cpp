// SPDX-License-Identifier: MIT
// Input quantizers for heads in ggml's block types; docs/architectures.md,
// "Weight types".
#include "bitnet/block_input.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "bitnet/dense_types.hpp"
#include "bitnet/error.hpp"

namespace bitnet::gguf {
namespace {

constexpr int64_t kQ8KBlock = 256;
constexpr uint64_t kQ8KBytes = 292;  // float d, int8 q[256], int16 bsum[16]

void quantize_q8_k_block(const float* x, uint8_t* b) {
    float amax = 0.0f, max = 0.0f;
    for (int64_t j = 0; j < kQ8KBlock; ++j) {
        const float ax = std::fabs(x[j]);
        if (ax > amax) {
            amax = ax;
            max = x[j];
        }
    }
    std::memset(b, 0, kQ8KBytes);
    if (amax == 0.0f) return;  // d = 0, every q and sum 0
    const float iscale = -127.0f / max;
    auto* q = reinterpret_cast<int8_t*>(b + 4);
    for (int64_t j = 0; j < kQ8KBlock; ++j)
        q[j] = static_cast<int8_t>(std::min(127.0f, std::nearbyint(iscale * x[j])));
    for (int s = 0; s < 16; ++s) {
        int32_t sum = 0;
        for (int i = 0; i < 16; ++i) sum += q[16 * s + i];
        const auto s16 = static_cast<int16_t>(sum);
        std::memcpy(b + 260 + 2 * s, &s16, 2);
    }
    const float d = 1.0f / iscale;
    std::memcpy(b, &d, 4);
}

void check(TensorType weight, int64_t k) {
    if (!has_block_input(weight))
        throw Error("no block input for weight type " + ggml_type_name(static_cast<uint32_t>(weight)));
    if (k <= 0 || k % dense_block_size(weight))
        throw Error(ggml_type_name(static_cast<uint32_t>(weight)) + " input needs whole blocks, got " +
                    std::to_string(k) + " elements");
}

}  // namespace

bool has_block_input(TensorType weight) { return weight == TensorType::Q8_0 || weight == TensorType::Q6_K; }

uint64_t block_input_row_bytes(TensorType weight, int64_t k) {
    check(weight, k);
    return weight == TensorType::Q8_0 ? dense_row_bytes(weight, static_cast<uint64_t>(k))
                                      : static_cast<uint64_t>(k / kQ8KBlock) * kQ8KBytes;
}

void quantize_block_input(TensorType weight, const float* x, uint8_t* dst, int64_t k) {
    check(weight, k);
    if (weight == TensorType::Q8_0) {
        quantize_row(weight, x, dst, k);  // the writer's Q8_0 is ggml's reference quantizer
        return;
    }
    for (int64_t b = 0; b < k / kQ8KBlock; ++b) quantize_q8_k_block(x + b * kQ8KBlock, dst + b * kQ8KBytes);
}

}  // namespace bitnet::gguf
