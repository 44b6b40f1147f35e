// SPDX-License-Identifier: MIT
#include "plugin_set.hpp"

#include <dlfcn.h>
#include <elf.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace bitnet::parity {
namespace {

#if defined(__x86_64__)
constexpr uint16_t kOwnMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr uint16_t kOwnMachine = EM_AARCH64;
#else
constexpr uint16_t kOwnMachine = EM_NONE;
#endif

// The ELF machine of a file, or -1 when it is not a readable 64-bit ELF file.
int elf_machine(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    Elf64_Ehdr h{};
    in.read(reinterpret_cast<char*>(&h), sizeof h);
    if (in.gcount() != static_cast<std::streamsize>(sizeof h)) return -1;
    if (std::string(reinterpret_cast<const char*>(h.e_ident), SELFMAG) != ELFMAG) return -1;
    return h.e_machine;
}

}  // namespace

PluginSet load_plugins(const std::string& dir, uint64_t cpu_features) {
    PluginSet set;
    std::vector<std::string> paths;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
        const std::string file = entry.path().filename().string();
        if (file.rfind("lib", 0) == 0 && file.size() > 3 && file.ends_with(".so")) {
            paths.push_back(entry.path().string());
        }
    }
    if (ec) {
        set.errors.push_back(dir + ": " + ec.message());
        return set;
    }
    std::sort(paths.begin(), paths.end());

    // Plugins may keep the host pointer, so it outlives this call.
    static bitnet_kp_host host_storage;
    host_storage = bitnet_kp_host{sizeof(bitnet_kp_host), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR,
                                  cpu_features, "bitnet-parity", "1"};
    const bitnet_kp_host* host = &host_storage;

    for (const std::string& path : paths) {
        const int machine = elf_machine(path);
        if (machine >= 0 && machine != kOwnMachine) {
            set.not_for_here.push_back(path + ": built for another architecture (ELF machine " +
                                       std::to_string(machine) + ")");
            continue;
        }
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            set.errors.push_back(path + ": dlopen failed: " + dlerror());
            continue;
        }
        auto entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
        if (entry == nullptr) {
            set.errors.push_back(path + ": no " BITNET_KP_ENTRY_SYMBOL " symbol");
            continue;
        }
        LoadedPlugin p;
        p.path = path;
        const bitnet_kp_status status = entry(host, &p.desc);
        if (status != BITNET_KP_OK || p.desc == nullptr) {
            set.errors.push_back(path + ": entry returned status " + std::to_string(status));
            continue;
        }
        if (p.desc->n_kernels == 0 || p.desc->kernels == nullptr || p.desc->name == nullptr ||
            p.desc->score == nullptr) {
            set.errors.push_back(path + ": descriptor lacks a name, score or kernels");
            continue;
        }
        const uint32_t stride = p.desc->kernels[0].struct_size;
        if (stride < sizeof(bitnet_kp_kernel)) {
            set.errors.push_back(path + ": kernel struct_size " + std::to_string(stride) +
                                 " is below ABI 1.0's");
            continue;
        }
        const auto* base = reinterpret_cast<const unsigned char*>(p.desc->kernels);
        for (uint32_t i = 0; i < p.desc->n_kernels; ++i) {
            p.kernels.push_back(reinterpret_cast<const bitnet_kp_kernel*>(base + size_t{stride} * i));
        }
        p.score = p.desc->score(host);
        set.plugins.push_back(std::move(p));
    }
    return set;
}

PluginSet load_plugins(const std::vector<std::string>& dirs, uint64_t cpu_features) {
    PluginSet all;
    for (const std::string& dir : dirs) {
        PluginSet one = load_plugins(dir, cpu_features);
        all.plugins.insert(all.plugins.end(), one.plugins.begin(), one.plugins.end());
        all.not_for_here.insert(all.not_for_here.end(), one.not_for_here.begin(), one.not_for_here.end());
        all.errors.insert(all.errors.end(), one.errors.begin(), one.errors.end());
    }
    return all;
}

const LoadedPlugin* find_plugin(const PluginSet& set, const std::string& name) {
    for (const LoadedPlugin& p : set.plugins) {
        if (p.name() == name) return &p;
    }
    return nullptr;
}

const bitnet_kp_kernel* find_kernel(const LoadedPlugin& plugin, uint32_t op) {
    const bitnet_kp_kernel* best = nullptr;
    for (const bitnet_kp_kernel* k : plugin.kernels) {
        if (k->op == op && (best == nullptr || k->priority > best->priority)) best = k;
    }
    return best;
}

}  // namespace bitnet::parity
