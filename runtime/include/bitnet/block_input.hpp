// SPDX-License-Identifier: MIT
// The input side of a matmul whose weight is in one of ggml's block types, as
// llama.cpp's ggml_mul_mat converts it to the type's vec_dot type before the
// dot: a Q8_0 weight meets Q8_0 input blocks, a Q6_K weight Q8_K blocks. The
// byte layouts are those of bitnet_kp_block_matmul_args (bitnet/kernel_plugin.h).
#pragma once

#include <cstdint>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {

// True for the weight types a head can run in natively (Q8_0, Q6_K).
bool has_block_input(TensorType weight);
// Bytes of one input row of k elements for that weight type.
uint64_t block_input_row_bytes(TensorType weight, int64_t k);
// One row of k floats into the input blocks: for Q8_0, ggml's
// quantize_row_q8_0_ref (d = amax/127 stored as f16, q = roundf(x/d)); for
// Q6_K, quantize_row_q8_K_ref (per 256: iscale = -127/x_m for the x_m of largest
// magnitude, q = min(127, nearest-even(iscale*x)), d = 1/iscale, sums per 16).
void quantize_block_input(TensorType weight, const float* x, uint8_t* dst, int64_t k);

}  // namespace bitnet::gguf
