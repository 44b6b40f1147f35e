// SPDX-License-Identifier: MIT
// Descriptor and score of the cpu-avx2 plugin. Compiled with baseline x86-64
// flags: the host calls this on any CPU, so nothing here may execute AVX.
#include "kernels.hpp"

#include <cstddef>

namespace {

using namespace bitnet;

constexpr uint32_t kScore = 16;  // above cpu-scalar, below wider-vector plugins
constexpr uint32_t kPriority = 10;

// 0 unless the host speaks our ABI major and reports every feature the kernel
// files were compiled for.
uint32_t score(const bitnet_kp_host* host) {
    if (host == nullptr ||
        host->struct_size < offsetof(bitnet_kp_host, cpu_features) + sizeof(host->cpu_features) ||
        host->abi_major != BITNET_KP_ABI_MAJOR)
        return 0;
    return (host->cpu_features & avx2::kRequiredFeatures) == avx2::kRequiredFeatures ? kScore : 0;
}

constexpr bitnet_kp_kernel kernel(const char* id, bitnet_kp_op op, bitnet_kp_kernel_fn run) {
    return bitnet_kp_kernel{sizeof(bitnet_kp_kernel),
                            id,
                            static_cast<uint32_t>(op),
                            kPriority,
                            avx2::kRequiredFeatures,
                            run,
                            nullptr,
                            nullptr};
}

const bitnet_kp_kernel kKernels[] = {
    kernel("cpu-avx2.i2s_gemv.i8.avx2", BITNET_OP_I2S_GEMV, avx2::i2s_gemv),
    kernel("cpu-avx2.i2s_gemm.i8.avx2", BITNET_OP_I2S_GEMM, avx2::i2s_gemm),
    kernel("cpu-avx2.i2s_gemm_few.i8.avx2", BITNET_OP_I2S_GEMM_FEW, avx2::i2s_gemm),
    kernel("cpu-avx2.quantize_i8.f32.avx2", BITNET_OP_QUANTIZE_I8, avx2::quantize_i8),
    kernel("cpu-avx2.f16_matmul.f32.avx2f16c", BITNET_OP_F16_MATMUL, avx2::f16_matmul),
    kernel("cpu-avx2.rmsnorm.f32.avx2", BITNET_OP_RMSNORM, avx2::rmsnorm),
    kernel("cpu-avx2.attention.f16kv.avx2", BITNET_OP_ATTENTION, avx2::attention),
    kernel("cpu-avx2.silu_gate.f32.avx2", BITNET_OP_SILU_GATE, avx2::silu_gate),
    kernel("cpu-avx2.i2s_block_matmul.i8.avx2", BITNET_OP_I2S_BLOCK_MATMUL, avx2::i2s_block_matmul),
    kernel("cpu-avx2.q8_0_matmul.q8_0.avx2", BITNET_OP_Q8_0_MATMUL, avx2::q8_0_matmul),
    kernel("cpu-avx2.q6_k_matmul.q8_k.avx2", BITNET_OP_Q6_K_MATMUL, avx2::q6_k_matmul),
    kernel("cpu-avx2.quantize_rows_q8.f16.avx2", BITNET_OP_QUANTIZE_ROWS_Q8, avx2::quantize_rows_q8),
};

const bitnet_kp_plugin kPlugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "cpu-avx2",
    "0.1.0",
    "bitnet-runtime",
    avx2::kRequiredFeatures,
    score,
    sizeof(kKernels) / sizeof(kKernels[0]),
    kKernels,
};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    return bitnet_kp_offer_plugin(host, out, &kPlugin);
}
