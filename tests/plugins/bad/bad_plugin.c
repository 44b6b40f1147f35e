/* One source, several broken plugins: each BAD_PLUGIN_KIND_* breaks exactly one
 * rule of the ABI so the host's rejection reason can be checked. */
#include <bitnet/kernel_plugin.h>

__attribute__((unused)) static void noop_kernel(const void *args, int64_t begin, int64_t end) {
    (void)args;
    (void)begin;
    (void)end;
}

static uint32_t score_one(const bitnet_kp_host *host) { return host ? 1u : 0u; }

static const bitnet_kp_kernel kernels[] = {{
    sizeof(bitnet_kp_kernel),
#ifdef BAD_PLUGIN_KIND_bad_kernel_id
    "Bad Id With Spaces",
#else
    "test-bad.add.f32.ref",
#endif
    BITNET_OP_ADD, 1, 0,
#ifdef BAD_PLUGIN_KIND_null_kernel
    0,
#else
    noop_kernel,
#endif
    0, 0}};

__attribute__((unused)) static const bitnet_kp_plugin plugin = {sizeof(bitnet_kp_plugin),
#ifdef BAD_PLUGIN_KIND_wrong_abi_descriptor
                                        BITNET_KP_ABI_MAJOR + 1,
#else
                                        BITNET_KP_ABI_MAJOR,
#endif
                                        BITNET_KP_ABI_MINOR, "test-bad", "0", "tests", 0, score_one, 1, kernels};

#ifdef BAD_PLUGIN_KIND_no_entry
BITNET_KP_EXPORT int some_other_symbol(void) { return (int)plugin.n_kernels; }
#else
BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host *host,
                                                             const bitnet_kp_plugin **out) {
#ifdef BAD_PLUGIN_KIND_wrong_abi_status
    (void)host;
    (void)out;
    return BITNET_KP_ERR_ABI;
#else
    if (!host || !out) return BITNET_KP_ERR_INVALID;
    *out = &plugin;
    return BITNET_KP_OK;
#endif
}
#endif
