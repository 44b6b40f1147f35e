// SPDX-License-Identifier: MIT
// The numeric half of the check: every kernel of the candidate that can run on
// this CPU against the cpu-scalar kernel of its op, on the parity suite's shapes
// (tests/kernels/parity), and against itself under random row splits.
#pragma once

#include <cstdint>
#include <string>

#include "plugin_file.hpp"
#include "report.hpp"

namespace bitnet::plugin_check {

struct ParitySettings {
    bool quick{false};
    uint64_t seed{20260101};
};

// The cpu-scalar reference: from `explicit_path` when given, else found where
// bitnet-run finds plugins (install directory, beside libbitnet, the build
// tree), never from the environment. "" on success.
std::string find_reference(const std::string& explicit_path, uint64_t features, LoadedFile& out);

// Adds one PASS, FAIL or SKIP finding per candidate kernel.
void check_kernels_against_reference(const LoadedFile& candidate, const LoadedFile& reference, uint64_t features,
                                     const ParitySettings& settings, Report& report);

}  // namespace bitnet::plugin_check
