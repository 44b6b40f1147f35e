// SPDX-License-Identifier: MIT
#include "cpu_features.hpp"

#include <bitnet/kernel_plugin.h>

#if defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include <cstdio>

namespace bitnet::parity {
namespace {

struct Named {
    uint64_t bit;
    const char* name;
};

constexpr Named kNames[] = {
    {BITNET_CPU_X86_64, "x86_64"},         {BITNET_CPU_SSE42, "sse4.2"},
    {BITNET_CPU_AVX, "avx"},               {BITNET_CPU_AVX2, "avx2"},
    {BITNET_CPU_FMA, "fma"},               {BITNET_CPU_F16C, "f16c"},
    {BITNET_CPU_AVX512F, "avx512f"},       {BITNET_CPU_AVX512BW, "avx512bw"},
    {BITNET_CPU_AVX512VL, "avx512vl"},     {BITNET_CPU_AVX512DQ, "avx512dq"},
    {BITNET_CPU_AVX512VNNI, "avx512vnni"}, {BITNET_CPU_AVX512BF16, "avx512bf16"},
    {BITNET_CPU_AVXVNNI, "avxvnni"},       {BITNET_CPU_AARCH64, "aarch64"},
    {BITNET_CPU_NEON, "neon"},             {BITNET_CPU_ASIMDDP, "asimddp"},
    {BITNET_CPU_FP16, "fp16"},             {BITNET_CPU_I8MM, "i8mm"},
};

}  // namespace

uint64_t detect_cpu_features() {
    uint64_t f = 0;
#if defined(__x86_64__)
    // libgcc's detection checks XCR0 before it reports AVX and AVX-512 features,
    // so these are the OS-enabled ones.
    __builtin_cpu_init();
    f |= BITNET_CPU_X86_64;
    if (__builtin_cpu_supports("sse4.2")) f |= BITNET_CPU_SSE42;
    if (__builtin_cpu_supports("avx")) f |= BITNET_CPU_AVX;
    if (__builtin_cpu_supports("avx2")) f |= BITNET_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= BITNET_CPU_FMA;
    if (__builtin_cpu_supports("f16c")) f |= BITNET_CPU_F16C;
    if (__builtin_cpu_supports("avx512f")) f |= BITNET_CPU_AVX512F;
    if (__builtin_cpu_supports("avx512bw")) f |= BITNET_CPU_AVX512BW;
    if (__builtin_cpu_supports("avx512vl")) f |= BITNET_CPU_AVX512VL;
    if (__builtin_cpu_supports("avx512dq")) f |= BITNET_CPU_AVX512DQ;
    if (__builtin_cpu_supports("avx512vnni")) f |= BITNET_CPU_AVX512VNNI;
    if (__builtin_cpu_supports("avx512bf16")) f |= BITNET_CPU_AVX512BF16;
    if (__builtin_cpu_supports("avxvnni")) f |= BITNET_CPU_AVXVNNI;
#elif defined(__aarch64__)
    const unsigned long hw = getauxval(AT_HWCAP);
    const unsigned long hw2 = getauxval(AT_HWCAP2);
    f |= BITNET_CPU_AARCH64;
    if (hw & HWCAP_ASIMD) f |= BITNET_CPU_NEON;
    if (hw & HWCAP_ASIMDDP) f |= BITNET_CPU_ASIMDDP;
    if ((hw & HWCAP_FPHP) && (hw & HWCAP_ASIMDHP)) f |= BITNET_CPU_FP16;
#if defined(HWCAP2_I8MM)
    if (hw2 & HWCAP2_I8MM) f |= BITNET_CPU_I8MM;
#else
    (void)hw2;
#endif
#endif
    return f;
}

std::string feature_names(uint64_t features) {
    std::string out;
    for (const Named& n : kNames) {
        if (features & n.bit) {
            if (!out.empty()) out += ' ';
            out += n.name;
            features &= ~n.bit;
        }
    }
    if (features) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(features));
        if (!out.empty()) out += ' ';
        out += buf;
    }
    return out.empty() ? "none" : out;
}

}  // namespace bitnet::parity
