// SPDX-License-Identifier: MIT
/* The example plugin's kernels and the features they were compiled for. */
#ifndef EXAMPLE_K2560_KERNELS_H
#define EXAMPLE_K2560_KERNELS_H

#include <bitnet/kernel_plugin.h>

#define EXAMPLE_REQUIRED_FEATURES (BITNET_CPU_X86_64 | BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_AVXVNNI)

/* BITNET_OP_I2S_GEMV over output rows [begin, end); fastest when k == 2560. */
void example_i2s_gemv_avxvnni(const void *args, int64_t begin, int64_t end);

#endif
