// SPDX-License-Identifier: MIT
// The machine class a baseline belongs to: CPU vendor, CPUID family (x86) or
// part number (aarch64), architecture and the ISA tier the plugins care about,
// e.g. "intel-family6-x86-64-avx512vnni". Speeds are only comparable within a
// class, so pinned baselines live in baselines/<class>/.
#pragma once

#include <string>

namespace bitnet::bench {

struct CpuClass {
    std::string vendor;  // "intel", "amd", "arm", ... or "unknown"
    std::string family;  // "family6", "family25", "partd0c", ...
    std::string arch;    // "x86-64", "aarch64"
    std::string tier;    // "avx512vnni", "avx512", "avx2", "sse4.2", "neon-dotprod", ...
    std::string brand;   // marketing name, for people
    std::string name() const { return vendor + "-" + family + "-" + arch + "-" + tier; }
};

CpuClass detect_cpu_class();

}  // namespace bitnet::bench
