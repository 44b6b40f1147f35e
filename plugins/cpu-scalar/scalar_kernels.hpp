// SPDX-License-Identifier: MIT
// The cpu-scalar kernels, one declaration per op. Every kernel has the C ABI
// kernel shape: it reads the op's args struct (see bitnet/kernel_plugin.h), computes
// the split-axis range [begin, end) and never throws.
#pragma once

#include <cstdint>

namespace bitnet::scalar {

void i2s_matmul(const void* args, int64_t begin, int64_t end);
void i2s_block_matmul(const void* args, int64_t begin, int64_t end);
void quantize_i8(const void* args, int64_t begin, int64_t end);
void rmsnorm(const void* args, int64_t begin, int64_t end);
void rope_neox(const void* args, int64_t begin, int64_t end);
void rope_norm(const void* args, int64_t begin, int64_t end);
void attention(const void* args, int64_t begin, int64_t end);
void relu2_gate(const void* args, int64_t begin, int64_t end);
void silu_gate(const void* args, int64_t begin, int64_t end);
void add(const void* args, int64_t begin, int64_t end);
void embed_f16(const void* args, int64_t begin, int64_t end);
void f16_matmul(const void* args, int64_t begin, int64_t end);
void q8_matmul(const void* args, int64_t begin, int64_t end);
void q8_0_matmul(const void* args, int64_t begin, int64_t end);
void q6_k_matmul(const void* args, int64_t begin, int64_t end);
void quantize_rows_q8(const void* args, int64_t begin, int64_t end);

}  // namespace bitnet::scalar
