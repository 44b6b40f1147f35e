// SPDX-License-Identifier: MIT
#include "bitnet/cpu_features.hpp"

#include <bitnet/kernel_plugin.h>

#include <fstream>
#include <thread>

#include <sched.h>

#include "bitnet/error.hpp"

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

namespace bitnet::kernels {
namespace {

struct FeatureName {
    uint64_t bit;
    const char* name;
};

constexpr FeatureName kFeatureNames[] = {
    {BITNET_CPU_X86_64, "x86_64"},       {BITNET_CPU_SSE42, "sse4.2"},
    {BITNET_CPU_AVX, "avx"},             {BITNET_CPU_AVX2, "avx2"},
    {BITNET_CPU_FMA, "fma"},             {BITNET_CPU_F16C, "f16c"},
    {BITNET_CPU_AVX512F, "avx512f"},     {BITNET_CPU_AVX512BW, "avx512bw"},
    {BITNET_CPU_AVX512VL, "avx512vl"},   {BITNET_CPU_AVX512DQ, "avx512dq"},
    {BITNET_CPU_AVX512VNNI, "avx512vnni"}, {BITNET_CPU_AVX512BF16, "avx512bf16"},
    {BITNET_CPU_AVXVNNI, "avxvnni"},     {BITNET_CPU_AARCH64, "aarch64"},
    {BITNET_CPU_NEON, "neon"},           {BITNET_CPU_ASIMDDP, "asimddp"},
    {BITNET_CPU_FP16, "fp16"},           {BITNET_CPU_I8MM, "i8mm"},
};

unsigned available_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0) {
        int n = CPU_COUNT(&set);
        if (n > 0) return static_cast<unsigned>(n);
    }
    unsigned n = std::thread::hardware_concurrency();
    return n ? n : 1;
}

#if defined(__x86_64__)
uint64_t read_xcr0() {
    uint32_t eax = 0, edx = 0;
    // xgetbv with ecx=0, written as bytes so no -mxsave is needed.
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(eax), "=d"(edx) : "c"(0));
    return (static_cast<uint64_t>(edx) << 32) | eax;
}

void detect_x86(CpuInfo& info) {
    info.arch = "x86_64";
    unsigned a = 0, b = 0, c = 0, d = 0;
    uint64_t f = BITNET_CPU_X86_64;
    unsigned max_leaf = __get_cpuid_max(0, nullptr);
    bool osxsave = false;
    if (max_leaf >= 1 && __get_cpuid(1, &a, &b, &c, &d)) {
        if (c & bit_SSE4_2) f |= BITNET_CPU_SSE42;
        if (c & bit_AVX) f |= BITNET_CPU_AVX;
        if (c & bit_FMA) f |= BITNET_CPU_FMA;
        if (c & bit_F16C) f |= BITNET_CPU_F16C;
        osxsave = (c & bit_OSXSAVE) != 0;
    }
    if (max_leaf >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        if (b & bit_AVX2) f |= BITNET_CPU_AVX2;
        if (b & bit_AVX512F) f |= BITNET_CPU_AVX512F;
        if (b & bit_AVX512BW) f |= BITNET_CPU_AVX512BW;
        if (b & bit_AVX512VL) f |= BITNET_CPU_AVX512VL;
        if (b & bit_AVX512DQ) f |= BITNET_CPU_AVX512DQ;
        if (c & bit_AVX512VNNI) f |= BITNET_CPU_AVX512VNNI;
        __cpuid_count(7, 1, a, b, c, d);
        if (a & bit_AVXVNNI) f |= BITNET_CPU_AVXVNNI;
        if (a & bit_AVX512BF16) f |= BITNET_CPU_AVX512BF16;
    }
    info.detected = f;

    // The OS must save the YMM (bits 1,2) and ZMM/opmask (bits 5,6,7) state.
    uint64_t xcr0 = osxsave ? read_xcr0() : 0;
    bool ymm = (xcr0 & 0x6) == 0x6;
    bool zmm = ymm && (xcr0 & 0xe0) == 0xe0;
    constexpr uint64_t kYmm = BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_FMA |
                              BITNET_CPU_F16C | BITNET_CPU_AVXVNNI;
    constexpr uint64_t kZmm = BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL |
                              BITNET_CPU_AVX512DQ | BITNET_CPU_AVX512VNNI | BITNET_CPU_AVX512BF16;
    uint64_t usable = f;
    if (!ymm) usable &= ~(kYmm | kZmm);
    if (!zmm) usable &= ~kZmm;
    info.usable = usable;

    unsigned brand[12] = {};
    if (__get_cpuid_max(0x80000000, nullptr) >= 0x80000004) {
        for (unsigned i = 0; i < 3; ++i)
            __get_cpuid(0x80000002 + i, &brand[4 * i], &brand[4 * i + 1], &brand[4 * i + 2],
                        &brand[4 * i + 3]);
        std::string s(reinterpret_cast<const char*>(brand), sizeof(brand));
        s = s.c_str();
        auto first = s.find_first_not_of(' ');
        auto last = s.find_last_not_of(' ');
        info.brand = first == std::string::npos ? "" : s.substr(first, last - first + 1);
    }
}
#elif defined(__aarch64__)
void detect_arm(CpuInfo& info) {
    info.arch = "aarch64";
    unsigned long hw = getauxval(AT_HWCAP);
    unsigned long hw2 = getauxval(AT_HWCAP2);
    uint64_t f = BITNET_CPU_AARCH64;
    if (hw & HWCAP_ASIMD) f |= BITNET_CPU_NEON;
    if (hw & HWCAP_ASIMDDP) f |= BITNET_CPU_ASIMDDP;
    if (hw & HWCAP_ASIMDHP) f |= BITNET_CPU_FP16;
#ifdef HWCAP2_I8MM
    if (hw2 & HWCAP2_I8MM) f |= BITNET_CPU_I8MM;
#endif
    (void)hw2;
    info.detected = info.usable = f;
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0 || line.rfind("CPU part", 0) == 0) {
            info.brand = line.substr(line.find(':') + 2);
            break;
        }
}
#endif

}  // namespace

CpuInfo detect_cpu() {
    CpuInfo info;
#if defined(__x86_64__)
    detect_x86(info);
#elif defined(__aarch64__)
    detect_arm(info);
#else
    info.arch = "unknown";
#endif
    info.cores = available_cores();
    return info;
}

std::string feature_names(uint64_t mask) {
    std::string out;
    for (const auto& f : kFeatureNames)
        if (mask & f.bit) {
            if (!out.empty()) out += ' ';
            out += f.name;
        }
    return out;
}

uint64_t isa_ceiling_mask(std::string_view isa) {
    constexpr uint64_t kBase = BITNET_CPU_X86_64 | BITNET_CPU_SSE42 | BITNET_CPU_AARCH64;
    constexpr uint64_t kAvx2 = kBase | BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_FMA |
                               BITNET_CPU_F16C | BITNET_CPU_AVXVNNI;
    if (isa == "scalar") return kBase;
    if (isa == "avx2") return kAvx2;
    if (isa == "avx512" || isa == "neon" || isa == "native") return ~uint64_t{0};
    throw Error("unknown CPU ISA level '" + std::string(isa) +
                "' (expected scalar, avx2, avx512, neon or native)");
}

}  // namespace bitnet::kernels
