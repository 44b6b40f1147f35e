// SPDX-License-Identifier: MIT
// Descriptor and entry point of the cpu-avx512 plugin. Built with baseline flags
// (no AVX): the host calls the entry and score() on any x86-64 CPU, so nothing
// here may touch AVX-512 code, including inline or template code shared with the
// kernel files (that is why this file uses no standard-library templates).
#include <bitnet/kernel_plugin.h>

#include <cstddef>

#include "avx512_kernels.hpp"

namespace {

// What every kernel file is compiled for (see CMakeLists.txt): a kernel may use
// any of these, so each kernel requires all of them.
constexpr uint64_t kBase = BITNET_CPU_X86_64 | BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C |
                           BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL |
                           BITNET_CPU_AVX512DQ;
constexpr uint64_t kVnni = kBase | BITNET_CPU_AVX512VNNI;

constexpr uint32_t kScoreBase = 32;
constexpr uint32_t kScoreVnni = 48;

// Within one op, the VNNI kernel outranks the plain AVX-512BW one.
constexpr uint32_t kPriorityVnni = 20;
constexpr uint32_t kPriorityBw = 10;
constexpr uint32_t kPriorityOnly = 10;

#define BITNET_AVX512_KERNEL(id, op, priority, features, fn) \
    { sizeof(bitnet_kp_kernel), id, op, priority, features, fn, nullptr, nullptr }

const bitnet_kp_kernel kKernels[] = {
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemv.i8.vnni", BITNET_OP_I2S_GEMV, kPriorityVnni, kVnni,
                         bitnet::avx512::i2s_gemv_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemv.i8.avx512bw", BITNET_OP_I2S_GEMV, kPriorityBw, kBase,
                         bitnet::avx512::i2s_gemv_avx512bw),
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemm.i8.vnni", BITNET_OP_I2S_GEMM, kPriorityVnni, kVnni,
                         bitnet::avx512::i2s_gemm_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemm.i8.avx512bw", BITNET_OP_I2S_GEMM, kPriorityBw, kBase,
                         bitnet::avx512::i2s_gemm_avx512bw),
    // The same entry points: i2s_gemm_vnni takes 2..8 tokens through the
    // small-batch kernel, so hosts that prefer another plugin's prefill GEMM
    // (cpu-onednn with AMX) still decode several sequences here.
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemm_few.i8.vnni", BITNET_OP_I2S_GEMM_FEW, kPriorityVnni, kVnni,
                         bitnet::avx512::i2s_gemm_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_gemm_few.i8.avx512bw", BITNET_OP_I2S_GEMM_FEW, kPriorityBw, kBase,
                         bitnet::avx512::i2s_gemm_avx512bw),
    BITNET_AVX512_KERNEL("cpu-avx512.quantize_i8.f32.avx512", BITNET_OP_QUANTIZE_I8, kPriorityOnly, kBase,
                         bitnet::avx512::quantize_i8),
    BITNET_AVX512_KERNEL("cpu-avx512.rmsnorm.f32.avx512", BITNET_OP_RMSNORM, kPriorityOnly, kBase,
                         bitnet::avx512::rmsnorm),
    BITNET_AVX512_KERNEL("cpu-avx512.f16_matmul.f32.avx512f16c", BITNET_OP_F16_MATMUL, kPriorityOnly, kBase,
                         bitnet::avx512::f16_matmul),
    BITNET_AVX512_KERNEL("cpu-avx512.attention.f16kv.avx512", BITNET_OP_ATTENTION, kPriorityOnly, kBase,
                         bitnet::avx512::attention_f16kv),
    BITNET_AVX512_KERNEL("cpu-avx512.relu2_gate.f32.avx512", BITNET_OP_RELU2_GATE, kPriorityOnly, kBase,
                         bitnet::avx512::relu2_gate),
    // I2S_BLOCK_MATMUL exists since ABI 1.5.
    BITNET_AVX512_KERNEL("cpu-avx512.i2s_block_matmul.i8.vnni", BITNET_OP_I2S_BLOCK_MATMUL, kPriorityVnni, kVnni,
                         bitnet::avx512::i2s_block_matmul_vnni),
    // Q8_0_MATMUL, Q6_K_MATMUL and QUANTIZE_ROWS_Q8 exist since ABI 1.6.
    BITNET_AVX512_KERNEL("cpu-avx512.q8_0_matmul.q8_0.vnni", BITNET_OP_Q8_0_MATMUL, kPriorityVnni, kVnni,
                         bitnet::avx512::q8_0_matmul_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.q6_k_matmul.q8_k.vnni", BITNET_OP_Q6_K_MATMUL, kPriorityVnni, kVnni,
                         bitnet::avx512::q6_k_matmul_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.quantize_rows_q8.f16.avx512", BITNET_OP_QUANTIZE_ROWS_Q8, kPriorityOnly, kBase,
                         bitnet::avx512::quantize_rows_q8),
    // SILU_GATE exists since ABI 1.4.
    BITNET_AVX512_KERNEL("cpu-avx512.silu_gate.f32.avx512", BITNET_OP_SILU_GATE, kPriorityOnly, kBase,
                         bitnet::avx512::silu_gate),
    BITNET_AVX512_KERNEL("cpu-avx512.add.f32.avx512", BITNET_OP_ADD, kPriorityOnly, kBase, bitnet::avx512::add),
    // Q8_MATMUL exists since ABI 1.1; an older host ignores these two entries.
    BITNET_AVX512_KERNEL("cpu-avx512.q8_matmul.i8.vnni", BITNET_OP_Q8_MATMUL, kPriorityVnni, kVnni,
                         bitnet::avx512::q8_matmul_vnni),
    BITNET_AVX512_KERNEL("cpu-avx512.q8_matmul.i8.avx512bw", BITNET_OP_Q8_MATMUL, kPriorityBw, kBase,
                         bitnet::avx512::q8_matmul_avx512bw),
};

#undef BITNET_AVX512_KERNEL

uint32_t score(const bitnet_kp_host* host) {
    if (host == nullptr ||
        host->struct_size < offsetof(bitnet_kp_host, cpu_features) + sizeof(host->cpu_features)) {
        return 0;
    }
    if ((host->cpu_features & kBase) != kBase) {
        return 0;
    }
    return (host->cpu_features & kVnni) == kVnni ? kScoreVnni : kScoreBase;
}

const bitnet_kp_plugin kPlugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "cpu-avx512",
    "0.1.0",
    "bitnet-runtime",
    kBase,
    score,
    sizeof(kKernels) / sizeof(kKernels[0]),
    kKernels,
};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    return bitnet_kp_offer_plugin(host, out, &kPlugin);
}
