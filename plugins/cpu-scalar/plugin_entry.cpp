// SPDX-License-Identifier: MIT
// The cpu-scalar plugin's descriptor and its one exported entry point. Compiled
// with baseline flags like every entry file; here the kernels are portable too.
#include <bitnet/kernel_plugin.h>

#include <cstddef>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {
namespace {

constexpr uint64_t kNoFeatures = 0;
constexpr uint32_t kPriority = 1;

constexpr bitnet_kp_kernel make_kernel(const char* id, bitnet_kp_op op, bitnet_kp_kernel_fn run) {
    return bitnet_kp_kernel{sizeof(bitnet_kp_kernel), id, static_cast<uint32_t>(op), kPriority,
                            kNoFeatures, run, nullptr, nullptr};
}

const bitnet_kp_kernel kKernels[] = {
    make_kernel("cpu-scalar.i2s_gemv.i8.ref", BITNET_OP_I2S_GEMV, i2s_matmul),
    make_kernel("cpu-scalar.i2s_gemm.i8.ref", BITNET_OP_I2S_GEMM, i2s_matmul),
    make_kernel("cpu-scalar.i2s_gemm_few.i8.ref", BITNET_OP_I2S_GEMM_FEW, i2s_matmul),
    make_kernel("cpu-scalar.quantize_i8.f32.ref", BITNET_OP_QUANTIZE_I8, quantize_i8),
    make_kernel("cpu-scalar.rmsnorm.f32.ref", BITNET_OP_RMSNORM, rmsnorm),
    make_kernel("cpu-scalar.rope_neox.f32.ref", BITNET_OP_ROPE_NEOX, rope_neox),
    make_kernel("cpu-scalar.attention.f16kv.ref", BITNET_OP_ATTENTION, attention),
    make_kernel("cpu-scalar.relu2_gate.f32.ref", BITNET_OP_RELU2_GATE, relu2_gate),
    make_kernel("cpu-scalar.add.f32.ref", BITNET_OP_ADD, add),
    make_kernel("cpu-scalar.embed_f16.f32.ref", BITNET_OP_EMBED_F16, embed_f16),
    make_kernel("cpu-scalar.f16_matmul.f32.ref", BITNET_OP_F16_MATMUL, f16_matmul),
    make_kernel("cpu-scalar.q8_matmul.i8.ref", BITNET_OP_Q8_MATMUL, q8_matmul),
    make_kernel("cpu-scalar.rope_norm.f32.ref", BITNET_OP_ROPE_NORM, rope_norm),
    make_kernel("cpu-scalar.silu_gate.f32.ref", BITNET_OP_SILU_GATE, silu_gate),
    make_kernel("cpu-scalar.i2s_block_matmul.i8.ref", BITNET_OP_I2S_BLOCK_MATMUL, i2s_block_matmul),
    make_kernel("cpu-scalar.q8_0_matmul.q8_0.ref", BITNET_OP_Q8_0_MATMUL, q8_0_matmul),
    make_kernel("cpu-scalar.q6_k_matmul.q8_k.ref", BITNET_OP_Q6_K_MATMUL, q6_k_matmul),
    make_kernel("cpu-scalar.quantize_rows_q8.f16.ref", BITNET_OP_QUANTIZE_ROWS_Q8, quantize_rows_q8),
};

// The host struct must at least reach cpu_features for us to read the ABI fields.
constexpr uint32_t kMinHostSize =
    static_cast<uint32_t>(offsetof(bitnet_kp_host, abi_minor) + sizeof(uint16_t));

bool host_is_usable(const bitnet_kp_host* host) {
    return host != nullptr && host->struct_size >= kMinHostSize &&
           host->abi_major == BITNET_KP_ABI_MAJOR;
}

// Portable code runs on any CPU, so any compatible host gets the lowest
// non-zero score: every SIMD plugin that can run should win over the reference.
uint32_t score(const bitnet_kp_host* host) { return host_is_usable(host) ? 1u : 0u; }

const bitnet_kp_plugin kPlugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "cpu-scalar",
    "0.1.0",
    "bitnet-runtime",
    kNoFeatures,
    score,
    static_cast<uint32_t>(sizeof kKernels / sizeof kKernels[0]),
    kKernels,
};

}  // namespace
}  // namespace bitnet::scalar

// Contract: host and out must be non-NULL and host->struct_size must cover the
// ABI version fields; a host of another ABI major gets BITNET_KP_ERR_ABI and *out
// is left untouched. On success *out points to static data the host never frees.
extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    return bitnet_kp_offer_plugin(host, out, &bitnet::scalar::kPlugin);
}
