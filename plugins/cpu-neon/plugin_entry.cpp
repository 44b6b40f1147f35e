// SPDX-License-Identifier: MIT
// Descriptor and score of the cpu-neon plugin. Compiled with baseline aarch64
// flags: nothing here may use the dot-product extension.
#include "kernels.hpp"

#include <cstddef>

namespace {

using namespace bitnet;

constexpr uint32_t kScore = 16;  // above cpu-scalar
constexpr uint32_t kPriorityNeon = 10;
constexpr uint32_t kPriorityDotprod = 20;  // preferred where the CPU has SDOT

// 0 unless the host speaks our ABI major and is an aarch64 CPU with NEON.
uint32_t score(const bitnet_kp_host* host) {
#if defined(__aarch64__)
    if (host == nullptr ||
        host->struct_size < offsetof(bitnet_kp_host, cpu_features) + sizeof(host->cpu_features) ||
        host->abi_major != BITNET_KP_ABI_MAJOR)
        return 0;
    return (host->cpu_features & neon::kNeonFeatures) == neon::kNeonFeatures ? kScore : 0;
#else
    (void)host;
    return 0;
#endif
}

constexpr bitnet_kp_kernel kernel(const char* id, bitnet_kp_op op, uint32_t priority, uint64_t features,
                                  bitnet_kp_kernel_fn run) {
    return bitnet_kp_kernel{
        sizeof(bitnet_kp_kernel), id, static_cast<uint32_t>(op), priority, features, run, nullptr, nullptr};
}

const bitnet_kp_kernel kKernels[] = {
    kernel("cpu-neon.i2s_gemv.i8.neon", BITNET_OP_I2S_GEMV, kPriorityNeon, neon::kNeonFeatures,
           neon::i2s_gemv),
    kernel("cpu-neon.i2s_gemv.i8.dotprod", BITNET_OP_I2S_GEMV, kPriorityDotprod, neon::kDotprodFeatures,
           neon::i2s_gemv_dotprod),
    kernel("cpu-neon.i2s_gemm.i8.neon", BITNET_OP_I2S_GEMM, kPriorityNeon, neon::kNeonFeatures,
           neon::i2s_gemm),
    kernel("cpu-neon.i2s_gemm.i8.dotprod", BITNET_OP_I2S_GEMM, kPriorityDotprod, neon::kDotprodFeatures,
           neon::i2s_gemm_dotprod),
    kernel("cpu-neon.i2s_gemm_few.i8.neon", BITNET_OP_I2S_GEMM_FEW, kPriorityNeon, neon::kNeonFeatures,
           neon::i2s_gemm),
    kernel("cpu-neon.i2s_gemm_few.i8.dotprod", BITNET_OP_I2S_GEMM_FEW, kPriorityDotprod, neon::kDotprodFeatures,
           neon::i2s_gemm_dotprod),
    kernel("cpu-neon.quantize_i8.f32.neon", BITNET_OP_QUANTIZE_I8, kPriorityNeon, neon::kNeonFeatures,
           neon::quantize_i8),
    kernel("cpu-neon.f16_matmul.f32.neon", BITNET_OP_F16_MATMUL, kPriorityNeon, neon::kNeonFeatures,
           neon::f16_matmul),
    kernel("cpu-neon.rmsnorm.f32.neon", BITNET_OP_RMSNORM, kPriorityNeon, neon::kNeonFeatures, neon::rmsnorm),
    kernel("cpu-neon.attention.f16kv.neon", BITNET_OP_ATTENTION, kPriorityNeon, neon::kNeonFeatures,
           neon::attention),
    kernel("cpu-neon.silu_gate.f32.neon", BITNET_OP_SILU_GATE, kPriorityNeon, neon::kNeonFeatures,
           neon::silu_gate),
    kernel("cpu-neon.i2s_block_matmul.i8.neon", BITNET_OP_I2S_BLOCK_MATMUL, kPriorityNeon, neon::kNeonFeatures,
           neon::i2s_block_matmul),
    kernel("cpu-neon.q8_0_matmul.q8_0.neon", BITNET_OP_Q8_0_MATMUL, kPriorityNeon, neon::kNeonFeatures,
           neon::q8_0_matmul),
    kernel("cpu-neon.q6_k_matmul.q8_k.neon", BITNET_OP_Q6_K_MATMUL, kPriorityNeon, neon::kNeonFeatures,
           neon::q6_k_matmul),
    kernel("cpu-neon.quantize_rows_q8.f16.neon", BITNET_OP_QUANTIZE_ROWS_Q8, kPriorityNeon, neon::kNeonFeatures,
           neon::quantize_rows_q8),
};

const bitnet_kp_plugin kPlugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "cpu-neon",
    "0.1.0",
    "bitnet-runtime",
    neon::kNeonFeatures,
    score,
    sizeof(kKernels) / sizeof(kKernels[0]),
    kKernels,
};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    return bitnet_kp_offer_plugin(host, out, &kPlugin);
}
