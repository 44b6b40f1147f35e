// SPDX-License-Identifier: MIT
/* One source, several plugins that each break one rule bitnet-plugin-check
 * enforces, so the test can see every failure named. Without a BROKEN_*
 * macro the plugin is correct: an exact scalar ternary GEMV. */
#include <bitnet/kernel_plugin.h>
#include <stddef.h>

static const int32_t weight_of_code[4] = {-1, 0, 1, 0};

static void gemv(const void *raw, int64_t begin, int64_t end) {
    const bitnet_kp_i2s_matmul_args *a = (const bitnet_kp_i2s_matmul_args *)raw;
    const int64_t k = a->w->k;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t *row = a->w->data + r * (k / 4);
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int8_t *q = a->q + t * k;
            int32_t dot = 0;
            for (int64_t b = 0; b < k / 128; ++b)
                for (int64_t j = 0; j < 32; ++j) {
                    const uint8_t byte = row[b * 32 + j];
                    dot += weight_of_code[(byte >> 6) & 3] * q[b * 128 + j];
                    dot += weight_of_code[(byte >> 4) & 3] * q[b * 128 + 32 + j];
                    dot += weight_of_code[(byte >> 2) & 3] * q[b * 128 + 64 + j];
                    dot += weight_of_code[byte & 3] * q[b * 128 + 96 + j];
                }
#ifdef BROKEN_gemv_off_by_one
            if (k == 2560) dot += 1; /* a slip in a width-specialised path */
#endif
#ifdef BROKEN_split_dependent
            if (r == begin && begin > 0) dot += 1; /* state carried across a chunk edge */
#endif
            a->y[t * a->ldy + r] = (float)dot / a->act_scale[t] * a->w->scale;
        }
    }
}

#ifdef BROKEN_score_ignores_features
#define REQUIRED (BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW)
#else
#define REQUIRED 0
#endif

static uint32_t score(const bitnet_kp_host *host) {
#ifdef BROKEN_score_ignores_features
    (void)host;
    return 5;
#else
    return (host->cpu_features & REQUIRED) == REQUIRED ? 5u : 0u;
#endif
}

static const bitnet_kp_kernel kernels[] = {
    {sizeof(bitnet_kp_kernel), "checker-broken.i2s_gemv.i8.ref", BITNET_OP_I2S_GEMV, 1, REQUIRED, gemv, NULL, NULL},
#if defined(BROKEN_bad_struct_size)
    {sizeof(bitnet_kp_kernel) - 8, "checker-broken.i2s_gemm.i8.ref", BITNET_OP_I2S_GEMM, 1, REQUIRED, gemv, NULL,
     NULL},
#elif defined(BROKEN_duplicate_ids)
    {sizeof(bitnet_kp_kernel), "checker-broken.i2s_gemv.i8.ref", BITNET_OP_I2S_GEMM, 1, REQUIRED, gemv, NULL, NULL},
#else
    {sizeof(bitnet_kp_kernel), "checker-broken.i2s_gemm.i8.ref", BITNET_OP_I2S_GEMM, 1, REQUIRED, gemv, NULL, NULL},
#endif
};

static const bitnet_kp_plugin plugin = {sizeof(bitnet_kp_plugin), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR,
                                        "checker-broken", "0", "bitnet-runtime tests", REQUIRED, score,
                                        sizeof kernels / sizeof kernels[0], kernels};

#ifdef BROKEN_extra_export
BITNET_KP_EXPORT int checker_broken_helper(void) { return 1; }
#endif

BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host *host,
                                                             const bitnet_kp_plugin **out) {
    if (host == NULL || out == NULL) return BITNET_KP_ERR_INVALID;
#ifndef BROKEN_accepts_any_abi
    if (host->abi_major != BITNET_KP_ABI_MAJOR) return BITNET_KP_ERR_ABI;
#endif
    *out = &plugin;
    return BITNET_KP_OK;
}
