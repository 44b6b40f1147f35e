// SPDX-License-Identifier: MIT
// What this CPU (and its OS) lets us run, as BITNET_CPU_* bits. The test's own
// detection, independent of the runtime's, so a wrong runtime answer cannot
// hide a kernel from the parity suite.
#pragma once

#include <cstdint>
#include <string>

namespace bitnet::parity {

// Features the CPU has AND the OS has enabled.
uint64_t detect_cpu_features();

// "avx2 fma" for the bits set in `features` (unknown bits as hex).
std::string feature_names(uint64_t features);

}  // namespace bitnet::parity
