// SPDX-License-Identifier: MIT
// llama.cpp's own ternary types, blocks of 256 weights with an f16 scale d each:
// TQ2_0 (66 bytes: 2-bit codes w+1, then d) and TQ1_0 (54 bytes: 48 bytes of
// five base-3 digits each, 4 bytes of four, then d). Each weight is (code-1)*d.
// The runtime repacks them to I2_S at load. When every block of a tensor that
// holds a nonzero weight has the same d, as llama.cpp's conversion of a BitNet
// checkpoint writes (an all-zero block has d = 0), that is the whole story;
// otherwise the blocks' d go beside the codes for a per-block-scale kernel.
#pragma once

#include <cstdint>
#include <vector>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {

constexpr int64_t kTqBlock = 256;
bool is_tq(TensorType t);
uint64_t tq_block_bytes(TensorType t);  // 54 or 66

// One row of k weights (k % 256 == 0) into w[k] in {-1, 0, 1} and scales[k/256].
void decode_tq_row(TensorType t, const uint8_t* row, int64_t k, int8_t* w, float* scales);

// rows x k ternary weights as llama.cpp's quantizer writes them for weights
// w*scale: d = f16(scale) for a block with a nonzero weight, 0 otherwise.
std::vector<uint8_t> encode_tq(TensorType t, const int8_t* w, int64_t rows, int64_t k, float scale);

// A TQ tensor as I2_S: the codes in i2s (i2s_bytes(rows, k)), and either one
// tensor scale (after the codes, block_scales empty) when every block with a
// nonzero weight has the same d, or scale 1 there and every block's d in
// block_scales (rows x k/256) for the I2S_BLOCK_MATMUL op.
struct TqRepack {
    std::vector<uint8_t> i2s;
    std::vector<float> block_scales;
};
TqRepack tq_to_i2s(TensorType t, const uint8_t* data, int64_t rows, int64_t k);

}  // namespace bitnet::gguf
