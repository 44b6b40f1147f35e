// SPDX-License-Identifier: MIT
// Kernel plugins loaded straight through dlopen and the C ABI (not through the
// runtime's registry), so the parity suite checks plugins, not the loader.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>
#include <string>
#include <vector>

namespace bitnet::parity {

struct LoadedPlugin {
    std::string path;
    const bitnet_kp_plugin* desc = nullptr;
    uint32_t score = 0;
    std::vector<const bitnet_kp_kernel*> kernels;  // honours the table's stride
    std::string name() const { return desc->name; }
};

struct PluginSet {
    std::vector<LoadedPlugin> plugins;     // loaded and described
    std::vector<std::string> not_for_here; // skipped on purpose, with the reason
    std::vector<std::string> errors;       // plugin files that are broken
};

// Loads every lib*.so in `dir` (sorted by name) with the host struct built from
// `cpu_features`. A library for another architecture is skipped with a note;
// any other failure to load or describe is an error. Libraries stay loaded.
PluginSet load_plugins(const std::string& dir, uint64_t cpu_features);
// The same over several directories, in order.
PluginSet load_plugins(const std::vector<std::string>& dirs, uint64_t cpu_features);

// The plugin called `name` in the set, or nullptr.
const LoadedPlugin* find_plugin(const PluginSet& set, const std::string& name);

// The first kernel of `plugin` for `op`, preferring the highest priority.
const bitnet_kp_kernel* find_kernel(const LoadedPlugin& plugin, uint32_t op);

}  // namespace bitnet::parity
