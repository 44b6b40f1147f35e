// SPDX-License-Identifier: MIT
/* Descriptor and score of the example plugin. Built without ISA flags: the host
 * calls this file on any x86-64 CPU, AVX2 or not. */
#include <stddef.h>

#include "kernels.h"

/* The runtime picks, per op, the kernel with the best (plugin score, kernel
 * priority) among plugins that can run here, so a plugin's score competes only
 * on the ops it implements. Built-in scores: cpu-scalar 1, cpu-avx2 16,
 * cpu-avx512 32 and up. 24 ranks this plugin above cpu-avx2 and below the
 * AVX-512 plugin: on a CPU with AVX-VNNI whose best built-in is cpu-avx2 (or
 * under --max-cpu-isa avx2) it wins ternary GEMV, the one op it implements, and
 * every other op stays with the built-ins. Without AVX-VNNI it scores 0 and the
 * host skips it. */
#define EXAMPLE_SCORE 24u
#define EXAMPLE_PRIORITY 10u

static uint32_t example_score(const bitnet_kp_host *host) {
    if (host == NULL ||
        host->struct_size < offsetof(bitnet_kp_host, cpu_features) + sizeof(host->cpu_features) ||
        host->abi_major != BITNET_KP_ABI_MAJOR)
        return 0;
    return (host->cpu_features & EXAMPLE_REQUIRED_FEATURES) == EXAMPLE_REQUIRED_FEATURES ? EXAMPLE_SCORE : 0;
}

static const bitnet_kp_kernel example_kernels[] = {
    {sizeof(bitnet_kp_kernel), "example-k2560.i2s_gemv.i8.avxvnni", BITNET_OP_I2S_GEMV, EXAMPLE_PRIORITY,
     EXAMPLE_REQUIRED_FEATURES, example_i2s_gemv_avxvnni, NULL, NULL},
};

static const bitnet_kp_plugin example_plugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "example-k2560",
    "1.0.0",
    "bitnet-runtime SDK example",
    EXAMPLE_REQUIRED_FEATURES,
    example_score,
    sizeof example_kernels / sizeof example_kernels[0],
    example_kernels,
};

BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host *host,
                                                             const bitnet_kp_plugin **out) {
    return bitnet_kp_offer_plugin(host, out, &example_plugin);
}
