// SPDX-License-Identifier: MIT
// The types embeddings and untied heads come in: F32, F16, BF16, and ggml's
// Q8_0 (blocks of 32: f16 d, 32 int8; x = d*q) and Q6_K (blocks of 256: 128
// bytes of low nibbles, 64 of high bit pairs, 16 int8 sub-block scales, f16 d;
// x = d*scale*(q-32)). Dequantization follows ggml-quants.c's float operations,
// so a row comes out as llama.cpp's get_rows gives it.
#pragma once

#include <cstdint>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {

bool is_dense(TensorType t);
int64_t dense_block_size(TensorType t);               // elements per block: 1, 32 or 256
uint64_t dense_row_bytes(TensorType t, uint64_t n);   // bytes of n elements, n whole blocks

// The scalar reference: one row of k elements to floats.
void dequantize_row(TensorType t, const uint8_t* src, float* dst, int64_t k);

// The writer's side (bitnet-gguf synth): F32, F16 and BF16 round to nearest
// even; Q8_0 is ggml's reference quantizer (d = amax/127); Q6_K picks each
// sub-block's scale from its own absmax, no search.
void quantize_row(TensorType t, const float* src, uint8_t* dst, int64_t k);

}  // namespace bitnet::gguf
