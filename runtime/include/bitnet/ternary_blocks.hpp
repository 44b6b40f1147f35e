// SPDX-License-Identifier: MIT
// llama.cpp's own ternary types, blocks of 256 weights with an f16 scale d each:
// TQ2_0 (66 bytes: 2-bit codes w+1, then d) and TQ1_0 (54 bytes: 48 bytes of
// five base-3 digits each, 4 bytes of four, then d). Each weight is (code-1)*d.
// The runtime runs them by repacking to I2_S at load, which is exact when every
// block of a tensor that holds a nonzero weight has the same d, as llama.cpp's
// conversion of a BitNet checkpoint writes (an all-zero block has d = 0).
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

// The I2_S bytes (i2s_bytes(rows, k)) of a TQ tensor; throws bitnet::Error naming
// the first block whose scale differs from the others.
std::vector<uint8_t> tq_to_i2s(TensorType t, const uint8_t* data, int64_t rows, int64_t k);

}  // namespace bitnet::gguf
