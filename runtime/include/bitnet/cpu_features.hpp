// SPDX-License-Identifier: MIT
// CPU feature detection. Reports a feature only when the CPU has it AND the OS
// has enabled its register state (XCR0 on x86-64, HWCAP on aarch64), so a kernel
// chosen from these bits never faults.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bitnet::kernels {

struct CpuInfo {
    std::string arch;      // "x86_64" or "aarch64"
    std::string brand;     // marketing name when the CPU reports one
    uint64_t detected{0};  // BITNET_CPU_* bits the CPU reports
    uint64_t usable{0};    // detected and OS-enabled
    unsigned cores{1};     // logical CPUs available to this process
};

// Detects once per call; cheap enough to call at start-up.
CpuInfo detect_cpu();

// Space-separated names of the BITNET_CPU_* bits set in mask ("avx2 fma f16c").
std::string feature_names(uint64_t mask);

// Features allowed under an ISA ceiling: "scalar", "avx2", "avx512" (x86) or
// "neon" (aarch64). Throws bitnet::Error naming the accepted values otherwise.
uint64_t isa_ceiling_mask(std::string_view isa);

}  // namespace bitnet::kernels
