// SPDX-License-Identifier: MIT
// Kernel entry points of the cpu-avx2 plugin. Declarations only: this header is
// included by the baseline-compiled entry file, so it must not define any inline
// function (the linker could pick an AVX2-compiled copy for the entry path).
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>

namespace bitnet::avx2 {

// Every kernel file is compiled with -mavx2 -mfma -mf16c, so the compiler may use
// any of these anywhere in them: each kernel requires the whole set.
inline constexpr uint64_t kRequiredFeatures =
    BITNET_CPU_X86_64 | BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C;

// Each has the bitnet_kp_kernel_fn shape; args and [begin, end) as the op in
// kernel_plugin.h says.
void i2s_gemv(const void* args, int64_t begin, int64_t end);
void i2s_gemm(const void* args, int64_t begin, int64_t end);
void quantize_i8(const void* args, int64_t begin, int64_t end);
void f16_matmul(const void* args, int64_t begin, int64_t end);
void rmsnorm(const void* args, int64_t begin, int64_t end);
void attention(const void* args, int64_t begin, int64_t end);
void silu_gate(const void* args, int64_t begin, int64_t end);
void i2s_block_matmul(const void* args, int64_t begin, int64_t end);
void q8_0_matmul(const void* args, int64_t begin, int64_t end);
void q6_k_matmul(const void* args, int64_t begin, int64_t end);
void quantize_rows_q8(const void* args, int64_t begin, int64_t end);

}  // namespace bitnet::avx2
