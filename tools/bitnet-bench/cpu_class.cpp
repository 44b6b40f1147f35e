// SPDX-License-Identifier: MIT
#include "cpu_class.hpp"

#include <bitnet/kernel_plugin.h>

#include <cstring>
#include <fstream>
#include <map>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "bitnet/cpu_features.hpp"

namespace bitnet::bench {
namespace {

bool has(uint64_t features, uint64_t wanted) { return (features & wanted) == wanted; }

std::string isa_tier(uint64_t f) {
    if (f & BITNET_CPU_AARCH64) {
        if (has(f, BITNET_CPU_NEON | BITNET_CPU_I8MM)) return "neon-i8mm";
        if (has(f, BITNET_CPU_NEON | BITNET_CPU_ASIMDDP)) return "neon-dotprod";
        return has(f, BITNET_CPU_NEON) ? "neon" : "baseline";
    }
    if (has(f, BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL | BITNET_CPU_AVX512VNNI))
        return "avx512vnni";
    if (has(f, BITNET_CPU_AVX512F | BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL)) return "avx512";
    if (has(f, BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C)) return "avx2";
    if (has(f, BITNET_CPU_SSE42)) return "sse4.2";
    return "baseline";
}

#if defined(__x86_64__)
void x86_vendor_family(CpuClass& c) {
    unsigned a = 0, b = 0, cx = 0, d = 0;
    if (!__get_cpuid(0, &a, &b, &cx, &d)) return;
    char vendor[13] = {};
    std::memcpy(vendor, &b, 4);
    std::memcpy(vendor + 4, &d, 4);
    std::memcpy(vendor + 8, &cx, 4);
    const std::string v = vendor;
    c.vendor = v == "GenuineIntel" ? "intel" : v == "AuthenticAMD" ? "amd" : v == "HygonGenuine" ? "hygon" : "unknown";
    if (!__get_cpuid(1, &a, &b, &cx, &d)) return;
    // Displayed family: the extended family is added only when the base is 0xF.
    unsigned family = (a >> 8) & 0xF;
    if (family == 0xF) family += (a >> 20) & 0xFF;
    c.family = "family" + std::to_string(family);
}
#else
void arm_vendor_part(CpuClass& c) {
    static const std::map<std::string, std::string> kImplementers = {
        {"0x41", "arm"},      {"0x42", "broadcom"}, {"0x43", "cavium"}, {"0x46", "fujitsu"},
        {"0x48", "hisilicon"}, {"0x4e", "nvidia"},  {"0x51", "qualcomm"}, {"0x61", "apple"},
        {"0xc0", "ampere"}};
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    auto value = [](const std::string& l) {
        const auto colon = l.find(':');
        std::string v = colon == std::string::npos ? "" : l.substr(colon + 1);
        v.erase(0, v.find_first_not_of(" \t"));
        return v;
    };
    while (std::getline(in, line)) {
        if (line.rfind("CPU implementer", 0) == 0 && c.vendor == "unknown") {
            const auto it = kImplementers.find(value(line));
            c.vendor = it == kImplementers.end() ? "impl" + value(line) : it->second;
        } else if (line.rfind("CPU part", 0) == 0 && c.family == "unknown") {
            std::string part = value(line);
            if (part.rfind("0x", 0) == 0) part = part.substr(2);
            c.family = "part" + part;
        }
    }
}
#endif

}  // namespace

CpuClass detect_cpu_class() {
    const auto cpu = kernels::detect_cpu();
    CpuClass c{"unknown", "unknown", cpu.arch == "x86_64" ? "x86-64" : cpu.arch, isa_tier(cpu.usable), cpu.brand};
#if defined(__x86_64__)
    x86_vendor_family(c);
#else
    arm_vendor_part(c);
#endif
    return c;
}

}  // namespace bitnet::bench
