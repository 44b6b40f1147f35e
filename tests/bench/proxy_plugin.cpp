// SPDX-License-Identifier: MIT
// A test-only kernel plugin, "bench-proxy", built three ways (never installed):
//   plain    the cpu-scalar matmul kernels, forwarded (the host fills the
//            other ops from cpu-scalar, as it does for any forced backend);
//   slow     the same, computing every matmul four times: a run that must
//            show as a performance regression;
//   altered  the same, but the output head adds a large bonus to one token:
//            a run whose answers change.
// All three share the plugin name, so baselines made with them compare run
// for run. The variant is a compile definition: BENCH_PROXY_<VARIANT>.
#include <bitnet/kernel_plugin.h>

#include <cstddef>

#include "scalar_kernels.hpp"

namespace {

#if defined(BENCH_PROXY_SLOW)
#define BENCH_PROXY_SUFFIX "slow"
// Slower code, not a slower clock: every matmul is computed four times, so the
// step does about three times the work and a busy machine slows it as it slows
// the pool probe. A wall-clock delay (sleeping or spinning) would not stretch
// when a neighbour takes a core while the probe does, and compare would read
// the loaded machine as excusing the delay.
constexpr int kCalls = 4;
#else
constexpr int kCalls = 1;
#if defined(BENCH_PROXY_ALTERED)
#define BENCH_PROXY_SUFFIX "altered"
#else
#define BENCH_PROXY_SUFFIX "ref"
#endif
#endif

void i2s_matmul(const void* args, int64_t begin, int64_t end) {
    for (int c = 0; c < kCalls; ++c) bitnet::scalar::i2s_matmul(args, begin, end);
}

void f16_matmul(const void* args, int64_t begin, int64_t end) {
    for (int c = 0; c < kCalls; ++c) bitnet::scalar::f16_matmul(args, begin, end);
#if defined(BENCH_PROXY_ALTERED)
    // Token id 5 wins every step: greedy decoding must change its answer.
    constexpr int64_t kFavourite = 5;
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(args);
    if (kFavourite >= begin && kFavourite < end)
        for (int64_t t = 0; t < a->n_tokens; ++t) a->y[t * a->ldy + kFavourite] += 1.0e4f;
#endif
}

void q8_matmul(const void* args, int64_t begin, int64_t end) {
    for (int c = 0; c < kCalls; ++c) bitnet::scalar::q8_matmul(args, begin, end);
}

constexpr bitnet_kp_kernel kernel(const char* id, bitnet_kp_op op, bitnet_kp_kernel_fn run) {
    return {sizeof(bitnet_kp_kernel), id, static_cast<uint32_t>(op), 1, 0, run, nullptr, nullptr};
}

const bitnet_kp_kernel kKernels[] = {
    kernel("bench-proxy.i2s_gemv.i8." BENCH_PROXY_SUFFIX, BITNET_OP_I2S_GEMV, i2s_matmul),
    kernel("bench-proxy.i2s_gemm.i8." BENCH_PROXY_SUFFIX, BITNET_OP_I2S_GEMM, i2s_matmul),
    kernel("bench-proxy.f16_matmul.f32." BENCH_PROXY_SUFFIX, BITNET_OP_F16_MATMUL, f16_matmul),
    kernel("bench-proxy.q8_matmul.i8." BENCH_PROXY_SUFFIX, BITNET_OP_Q8_MATMUL, q8_matmul),
};

// Lowest score: auto never prefers it over a real plugin.
uint32_t score(const bitnet_kp_host* host) { return host && host->abi_major == BITNET_KP_ABI_MAJOR ? 1u : 0u; }

const bitnet_kp_plugin kPlugin = {sizeof(bitnet_kp_plugin), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR, "bench-proxy",
                                  "0.0.0-" BENCH_PROXY_SUFFIX, "bitnet-runtime tests", 0, score,
                                  static_cast<uint32_t>(sizeof kKernels / sizeof kKernels[0]), kKernels};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    if (host == nullptr || out == nullptr) return BITNET_KP_ERR_INVALID;
    if (host->struct_size < offsetof(bitnet_kp_host, abi_minor) + sizeof(uint16_t)) return BITNET_KP_ERR_INVALID;
    if (host->abi_major != BITNET_KP_ABI_MAJOR) return BITNET_KP_ERR_ABI;
    *out = &kPlugin;
    return BITNET_KP_OK;
}
