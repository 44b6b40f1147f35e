// SPDX-License-Identifier: MIT
// The cpu-avx512 kernels, one declaration each. Every kernel has the C ABI kernel
// shape: it reads the op's args struct (bitnet/kernel_plugin.h), computes the
// split-axis range [begin, end), never throws and never starts a thread.
// Declarations only: plugin_entry.cpp includes this file and must not pick up any
// code compiled for AVX-512.
#pragma once

#include <cstdint>

namespace bitnet::avx512 {

void i2s_gemv_vnni(const void* args, int64_t begin, int64_t end);
void i2s_gemv_avx512bw(const void* args, int64_t begin, int64_t end);
void i2s_gemm_vnni(const void* args, int64_t begin, int64_t end);
void i2s_gemm_avx512bw(const void* args, int64_t begin, int64_t end);
// Not a kernel of its own: the VNNI GEMM's path for 1..8 tokens (a decode step
// of several sequences); returns false, computing nothing, for other counts.
bool i2s_gemv_batch_vnni(const void* args, int64_t begin, int64_t end);
void i2s_block_matmul_vnni(const void* args, int64_t begin, int64_t end);
void q8_0_matmul_vnni(const void* args, int64_t begin, int64_t end);
void q6_k_matmul_vnni(const void* args, int64_t begin, int64_t end);
void quantize_rows_q8(const void* args, int64_t begin, int64_t end);
void quantize_i8(const void* args, int64_t begin, int64_t end);
void rmsnorm(const void* args, int64_t begin, int64_t end);
void f16_matmul(const void* args, int64_t begin, int64_t end);
void attention_f16kv(const void* args, int64_t begin, int64_t end);
void q8_matmul_vnni(const void* args, int64_t begin, int64_t end);
void q8_matmul_avx512bw(const void* args, int64_t begin, int64_t end);
void relu2_gate(const void* args, int64_t begin, int64_t end);
void silu_gate(const void* args, int64_t begin, int64_t end);
void add(const void* args, int64_t begin, int64_t end);

}  // namespace bitnet::avx512
