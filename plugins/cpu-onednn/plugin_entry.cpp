// SPDX-License-Identifier: MIT
// Descriptor and entry point of the cpu-onednn plugin. Built with baseline
// flags: the host calls the entry and score() on any x86-64 CPU. Only oneDNN's
// C API is used here (oneDNN dispatches on the CPU by itself), and no template
// shared with the kernel files.
#include <bitnet/kernel_plugin.h>
#include <oneapi/dnnl/dnnl.h>

#include <cstddef>

#include "onednn_kernels.hpp"

namespace {

// Measured on an AMX Xeon, T = 128: oneDNN's AMX int8 matmul runs the 2B-4T
// ternary GEMM several times faster than cpu-avx512's VNNI kernel, so with AMX
// the plugin outranks cpu-avx512 (48) for the one op it has. Without AMX,
// oneDNN's AVX-512 VNNI int8 path measured no faster than cpu-avx512's own,
// so the plugin stays loadable (and forcible) but below cpu-avx2 (16).
constexpr uint32_t kScoreAmx = 64;
constexpr uint32_t kScoreNoAmx = 8;
constexpr uint32_t kPriorityOnly = 10;

const bitnet_kp_kernel kKernels[] = {
    {sizeof(bitnet_kp_kernel), "cpu-onednn.i2s_gemm.i8.dnnl", BITNET_OP_I2S_GEMM, kPriorityOnly,
     bitnet::onednn::kRequiredFeatures, bitnet::onednn::i2s_gemm, nullptr, nullptr},
};

bool onednn_has_amx() {
    // dnnl_cpu_isa_t values are nested bit sets: an ISA includes its predecessors.
    const unsigned isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
    const unsigned amx = static_cast<unsigned>(dnnl_cpu_isa_avx512_core_amx);
    return (isa & amx) == amx;
}

uint32_t score(const bitnet_kp_host* host) {
    if (host == nullptr ||
        host->struct_size < offsetof(bitnet_kp_host, cpu_features) + sizeof(host->cpu_features)) {
        return 0;
    }
    if ((host->cpu_features & bitnet::onednn::kRequiredFeatures) != bitnet::onednn::kRequiredFeatures) {
        return 0;
    }
    return onednn_has_amx() ? kScoreAmx : kScoreNoAmx;
}

const bitnet_kp_plugin kPlugin = {
    sizeof(bitnet_kp_plugin),
    BITNET_KP_ABI_MAJOR,
    BITNET_KP_ABI_MINOR,
    "cpu-onednn",
    "0.1.0",
    "bitnet-runtime",
    bitnet::onednn::kRequiredFeatures,
    score,
    sizeof(kKernels) / sizeof(kKernels[0]),
    kKernels,
};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    return bitnet_kp_offer_plugin(host, out, &kPlugin);
}
