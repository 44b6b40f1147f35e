// SPDX-License-Identifier: MIT
// One plugin file, loaded on its own with dlopen and judged by the registry's
// rules (bitnet/plugin_checks.hpp) plus what the ABI asks of the entry point:
// one exported symbol, version negotiation, a score that respects the
// plugin's required features.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>
#include <string>
#include <vector>

#include "report.hpp"

namespace bitnet::plugin_check {

struct LoadedFile {
    std::string path;
    const bitnet_kp_plugin* desc{nullptr};
    std::vector<const bitnet_kp_kernel*> kernels;  // validated, ops this host knows
    uint32_t score{0};                             // under the features it was loaded with
};

// A host struct of this runtime's ABI reporting `features`.
bitnet_kp_host make_host(uint64_t features);

// Loads and validates `path` without the full set of checks: for the reference
// plugin. Returns "" on success, else why it cannot serve.
std::string load_plugin_file(const std::string& path, uint64_t features, LoadedFile& out);

// Every check on the candidate plugin, each recorded in `report`. Returns true
// when the plugin loaded and described itself well enough for its kernels to
// be run; `out` is then filled.
bool inspect_plugin(const std::string& path, uint64_t features, Report& report, LoadedFile& out);

}  // namespace bitnet::plugin_check
