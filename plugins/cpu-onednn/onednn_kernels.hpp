// SPDX-License-Identifier: MIT
// Kernels of the cpu-onednn plugin, shared by its entry and kernel files.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>

namespace bitnet::onednn {

// What the kernels need: AVX2 for unpacking the codes, AVX-512F for the
// epilogue, and the AVX-512 VNNI level, below which oneDNN's int8 matmul has
// no int8 dot-product instruction to beat cpu-avx2's GEMM with.
constexpr uint64_t kRequiredFeatures = BITNET_CPU_X86_64 | BITNET_CPU_AVX2 | BITNET_CPU_AVX512F |
                                       BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL |
                                       BITNET_CPU_AVX512VNNI;

// BITNET_OP_I2S_GEMM over output rows [begin, end).
void i2s_gemm(const void* args, int64_t begin, int64_t end);

// Writes rows [row0, row0 + n_rows) of w as one code byte per weight, row-major
// (n_rows x w.k), with code 3 turned into 1 so that "code - 1" is the weight the
// reference decodes.
void unpack_codes(const bitnet_kp_i2s_weights& w, int64_t row0, int64_t n_rows, uint8_t* out);

// y for rows [row0, row0 + n_rows) from acc (n_rows x n_tokens, the sums of
// code * q).
void epilogue(const bitnet_kp_i2s_matmul_args& a, int64_t row0, int64_t n_rows, const int32_t* acc);

}  // namespace bitnet::onednn
