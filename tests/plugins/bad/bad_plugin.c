// SPDX-License-Identifier: MIT
/* One source, many broken plugins: each BAD_PLUGIN_KIND_<kind> breaks exactly one
 * rule of the ABI so the host's rejection reason can be checked. Without a kind
 * (or with BAD_PLUGIN_KIND_valid) this is a valid plugin "test-bad" with one ADD
 * kernel; every other kind overrides one of the defaults below.
 * tests/plugins/CMakeLists.txt lists the kinds and test_hostile_plugins.cpp the
 * reason each must produce. */
#include <bitnet/kernel_plugin.h>

#include <stddef.h>

/* A feature no CPU of this architecture ever reports. */
#if defined(__x86_64__)
#define FOREIGN_FEATURE BITNET_CPU_NEON
#else
#define FOREIGN_FEATURE BITNET_CPU_AVX2
#endif

__attribute__((unused)) static void noop_kernel(const void *args, int64_t begin, int64_t end) {
    (void)args;
    (void)begin;
    (void)end;
}

__attribute__((unused)) static uint32_t score_one(const bitnet_kp_host *host) { return host ? 1u : 0u; }
__attribute__((unused)) static uint32_t score_zero(const bitnet_kp_host *host) {
    (void)host;
    return 0u;
}

#define PLUGIN_SIZE sizeof(bitnet_kp_plugin)
#define PLUGIN_ABI_MAJOR BITNET_KP_ABI_MAJOR
#define PLUGIN_NAME "test-bad"
#define PLUGIN_VENDOR "tests"
#define PLUGIN_FEATURES 0
#define PLUGIN_SCORE score_one
#define PLUGIN_N_KERNELS 1
#define PLUGIN_KERNELS kernels
#define KERNEL_SIZE sizeof(bitnet_kp_kernel)
#define KERNEL_ID "test-bad.add.f32.ref"
#define KERNEL_OP BITNET_OP_ADD
#define KERNEL_FEATURES 0
#define KERNEL_RUN noop_kernel
/* A second kernel entry, for the kinds that need two; PLUGIN_N_KERNELS 2 uses it. */
#define KERNEL2_ID "test-bad.relu2_gate.f32.ref"
#define KERNEL2_FEATURES 0

#if defined(BAD_PLUGIN_KIND_wrong_abi_descriptor)
#undef PLUGIN_ABI_MAJOR
#define PLUGIN_ABI_MAJOR (BITNET_KP_ABI_MAJOR + 1)
#elif defined(BAD_PLUGIN_KIND_small_descriptor)
#undef PLUGIN_SIZE
#define PLUGIN_SIZE 16
#elif defined(BAD_PLUGIN_KIND_small_kernel)
#undef KERNEL_SIZE
#define KERNEL_SIZE 16
#elif defined(BAD_PLUGIN_KIND_null_kernels)
/* A table that is not there behind a count that says it is. */
#undef PLUGIN_KERNELS
#define PLUGIN_KERNELS NULL
#elif defined(BAD_PLUGIN_KIND_no_kernels)
#undef PLUGIN_N_KERNELS
#define PLUGIN_N_KERNELS 0
#elif defined(BAD_PLUGIN_KIND_null_score)
#undef PLUGIN_SCORE
#define PLUGIN_SCORE NULL
#elif defined(BAD_PLUGIN_KIND_score_zero)
#undef PLUGIN_SCORE
#define PLUGIN_SCORE score_zero
#elif defined(BAD_PLUGIN_KIND_null_name)
#undef PLUGIN_NAME
#define PLUGIN_NAME NULL
#elif defined(BAD_PLUGIN_KIND_bad_vendor)
#undef PLUGIN_VENDOR
#define PLUGIN_VENDOR "tests\n\033[31mred"
#elif defined(BAD_PLUGIN_KIND_null_kernel)
#undef KERNEL_RUN
#define KERNEL_RUN NULL
#elif defined(BAD_PLUGIN_KIND_bad_kernel_id)
#undef KERNEL_ID
#define KERNEL_ID "Bad Id With Spaces"
#elif defined(BAD_PLUGIN_KIND_null_id)
#undef KERNEL_ID
#define KERNEL_ID NULL
#elif defined(BAD_PLUGIN_KIND_empty_id)
#undef KERNEL_ID
#define KERNEL_ID ""
#elif defined(BAD_PLUGIN_KIND_long_id)
/* 9 + 120 = 129 characters, one past the limit. */
#undef KERNEL_ID
#define KERNEL_ID \
    "test-bad.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" \
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#elif defined(BAD_PLUGIN_KIND_duplicate_id)
#undef PLUGIN_N_KERNELS
#define PLUGIN_N_KERNELS 2
#undef KERNEL2_ID
#define KERNEL2_ID KERNEL_ID
#elif defined(BAD_PLUGIN_KIND_unknown_op)
#undef KERNEL_OP
#define KERNEL_OP 99
#elif defined(BAD_PLUGIN_KIND_million_kernels)
/* The count alone must be refused: the host may not walk five million entries
 * of a one-entry table. */
#undef PLUGIN_N_KERNELS
#define PLUGIN_N_KERNELS 5000000
#elif defined(BAD_PLUGIN_KIND_plugin_features)
#undef PLUGIN_FEATURES
#define PLUGIN_FEATURES FOREIGN_FEATURE
#elif defined(BAD_PLUGIN_KIND_kernel_features)
#undef KERNEL_FEATURES
#define KERNEL_FEATURES FOREIGN_FEATURE
#elif defined(BAD_PLUGIN_KIND_some_kernel_features)
/* Usable: the first kernel runs here, the second is skipped. */
#undef PLUGIN_N_KERNELS
#define PLUGIN_N_KERNELS 2
#undef KERNEL2_FEATURES
#define KERNEL2_FEATURES FOREIGN_FEATURE
#endif

__attribute__((unused)) static const bitnet_kp_kernel kernels[] = {
    {KERNEL_SIZE, KERNEL_ID, KERNEL_OP, 1, KERNEL_FEATURES, KERNEL_RUN, NULL, NULL},
    {KERNEL_SIZE, KERNEL2_ID, BITNET_OP_RELU2_GATE, 1, KERNEL2_FEATURES, noop_kernel, NULL, NULL},
};

__attribute__((unused)) static const bitnet_kp_plugin plugin = {PLUGIN_SIZE,     PLUGIN_ABI_MAJOR, BITNET_KP_ABI_MINOR,
                                        PLUGIN_NAME,     "0",              PLUGIN_VENDOR,
                                        PLUGIN_FEATURES, PLUGIN_SCORE,     PLUGIN_N_KERNELS,
                                        PLUGIN_KERNELS};

#if defined(BAD_PLUGIN_KIND_no_entry)
BITNET_KP_EXPORT int some_other_symbol(void) { return (int)plugin.n_kernels + (kernels[0].op != 0); }
#else
BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host *host,
                                                             const bitnet_kp_plugin **out) {
    if (!host || !out) return BITNET_KP_ERR_INVALID;
#if defined(BAD_PLUGIN_KIND_wrong_abi_status)
    return BITNET_KP_ERR_ABI;
#elif defined(BAD_PLUGIN_KIND_entry_error)
    return BITNET_KP_ERR_UNSUPPORTED;
#elif defined(BAD_PLUGIN_KIND_null_descriptor)
    *out = NULL;
    return BITNET_KP_OK;
#else
    *out = &plugin;
    return BITNET_KP_OK;
#endif
}
#endif
