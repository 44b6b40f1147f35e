// SPDX-License-Identifier: MIT
// Kernel entry points of the cpu-neon plugin. Declarations only: this header is
// included by the baseline-compiled entry file, so it must not define any inline
// function (the linker could pick a copy compiled with the dot-product extension).
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>

namespace bitnet::neon {

// Advanced SIMD (with its f16<->f32 conversions) is part of every aarch64 CPU;
// the host still reports it, and the SDOT kernels need the dot-product bit too.
inline constexpr uint64_t kNeonFeatures = BITNET_CPU_AARCH64 | BITNET_CPU_NEON;
inline constexpr uint64_t kDotprodFeatures = kNeonFeatures | BITNET_CPU_ASIMDDP;

// Each has the bitnet_kp_kernel_fn shape; args and [begin, end) as the op in
// kernel_plugin.h says.
void i2s_gemv(const void* args, int64_t begin, int64_t end);
void i2s_gemm(const void* args, int64_t begin, int64_t end);
void i2s_gemv_dotprod(const void* args, int64_t begin, int64_t end);
void i2s_gemm_dotprod(const void* args, int64_t begin, int64_t end);
void quantize_i8(const void* args, int64_t begin, int64_t end);
void quantize_rows_q8(const void* args, int64_t begin, int64_t end);
void f16_matmul(const void* args, int64_t begin, int64_t end);
void rmsnorm(const void* args, int64_t begin, int64_t end);
void attention(const void* args, int64_t begin, int64_t end);
void silu_gate(const void* args, int64_t begin, int64_t end);
void i2s_block_matmul(const void* args, int64_t begin, int64_t end);
void q8_0_matmul(const void* args, int64_t begin, int64_t end);
void q6_k_matmul(const void* args, int64_t begin, int64_t end);

}  // namespace bitnet::neon
