// SPDX-License-Identifier: MIT
#include "plugin_file.hpp"

#include <dlfcn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bitnet/cpu_features.hpp"
#include "bitnet/kernel_registry.hpp"
#include "bitnet/plugin_checks.hpp"
#include "elf_exports.hpp"

namespace bitnet::plugin_check {
namespace {

std::string abi_text(unsigned major, unsigned minor) { return std::to_string(major) + "." + std::to_string(minor); }

std::string join(const std::vector<std::string>& items, size_t max_items) {
    std::string out;
    for (size_t i = 0; i < items.size() && i < max_items; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > max_items) out += ", ... (" + std::to_string(items.size()) + " in all)";
    return out;
}

// dlopen + entry point, kept loaded for the life of the process (plugin data
// stays valid). "" on success.
std::string open_entry(const std::string& path, bitnet_kp_entry_fn& entry) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return std::string("cannot load: ") + (why ? why : "dlopen failed");
    }
    entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
    if (!entry) return std::string("not a plugin: missing symbol ") + BITNET_KP_ENTRY_SYMBOL;
    return "";
}

// The ABI asks for BITNET_KP_ERR_INVALID on a NULL argument. A plugin may crash
// instead, so the calls run in a child process.
void probe_null_arguments(bitnet_kp_entry_fn entry, uint64_t features, Report& report) {
    const pid_t pid = fork();
    if (pid < 0) return;
    if (pid == 0) {
        const bitnet_kp_plugin* out = nullptr;
        const bitnet_kp_host host = make_host(features);
        const bool null_host = entry(nullptr, &out) == BITNET_KP_ERR_INVALID;
        const bool null_out = entry(&host, nullptr) == BITNET_KP_ERR_INVALID;
        _exit((null_host ? 0 : 1) | (null_out ? 0 : 2));
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status))
        report.warn("entry", "crashes (signal " + std::to_string(WTERMSIG(status)) +
                                 ") when given a NULL host or out pointer; it should return BITNET_KP_ERR_INVALID");
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        report.warn("entry", std::string("does not return BITNET_KP_ERR_INVALID for a NULL ") +
                                 (WEXITSTATUS(status) & 1 ? "host" : "out") + " pointer");
    else
        report.ok("entry", "NULL host and out pointers give BITNET_KP_ERR_INVALID");
}

void check_exports(const std::string& path, Report& report) {
    const ElfExports exports = read_elf_exports(path);
    if (!exports.error.empty()) {
        report.fail("exports", exports.error);
        return;
    }
    std::vector<std::string> others;
    bool has_entry = false;
    for (const auto& name : exports.names) {
        if (name == BITNET_KP_ENTRY_SYMBOL)
            has_entry = true;
        else
            others.push_back(name);
    }
    if (!has_entry) report.fail("exports", std::string("does not export ") + BITNET_KP_ENTRY_SYMBOL);
    if (!others.empty())
        report.fail("exports", std::to_string(others.size()) + " symbol(s) besides the entry point: " +
                                   join(others, 5) +
                                   "; a plugin exports exactly one (build with hidden visibility, as "
                                   "bitnet_add_kernel_plugin does)");
    if (has_entry && others.empty()) report.ok("exports", std::string("only ") + BITNET_KP_ENTRY_SYMBOL);
}

// A plugin must not score above 0 on a CPU that lacks what it requires: the
// host would otherwise trust it with kernels that fault.
void check_score_without_features(const bitnet_kp_plugin& desc, uint64_t features, Report& report) {
    const uint64_t base = features & kernels::isa_ceiling_mask("scalar");
    if ((desc.required_features & ~base) == 0) return;
    const bitnet_kp_host bare = make_host(base);
    const uint32_t score = desc.score(&bare);
    if (score != 0)
        report.fail("score", "scores " + std::to_string(score) + " on a CPU without its required features (" +
                                 kernels::feature_names(desc.required_features & ~base) + "); it must score 0");
    else
        report.ok("score", "0 on a CPU without " + kernels::feature_names(desc.required_features & ~base));
}

void describe_kernels(const LoadedFile& file, uint64_t features, Report& report) {
    const auto* base = reinterpret_cast<const unsigned char*>(file.desc->kernels);
    for (uint32_t i = 0; i < file.desc->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(base + size_t{file.desc->kernels[0].struct_size} * i);
        if (k->op > BITNET_OP_COUNT) {
            report.info(k->id, kernels::op_name(k->op) + " is from a later ABI minor; this host ignores the kernel");
            continue;
        }
        const uint64_t missing = k->required_features & ~features;
        report.info(k->id, kernels::op_name(k->op) + ", priority " + std::to_string(k->priority) +
                               (k->required_features ? ", needs " + kernels::feature_names(k->required_features)
                                                     : ", needs no CPU feature") +
                               (k->pack ? ", repacks weights" : "") +
                               (missing ? "; cannot run here: lacks " + kernels::feature_names(missing) : ""));
    }
}

}  // namespace

bitnet_kp_host make_host(uint64_t features) {
    bitnet_kp_host host{};
    host.struct_size = sizeof(host);
    host.abi_major = BITNET_KP_ABI_MAJOR;
    host.abi_minor = BITNET_KP_ABI_MINOR;
    host.cpu_features = features;
    host.host_name = "bitnet-plugin-check";
    host.host_version = BITNET_PLUGIN_CHECK_VERSION;
    return host;
}

std::string load_plugin_file(const std::string& path, uint64_t features, LoadedFile& out) {
    if (auto why = kernels::check_elf_file(path); !why.empty()) return why;
    bitnet_kp_entry_fn entry = nullptr;
    if (auto why = open_entry(path, entry); !why.empty()) return why;
    // Plugins may keep the host pointer, so it lives as long as the process.
    static bitnet_kp_host host;
    host = make_host(features);
    const bitnet_kp_plugin* desc = nullptr;
    if (const auto status = entry(&host, &desc); status != BITNET_KP_OK)
        return "entry point failed with status " + std::to_string(status);
    out = LoadedFile{path, desc, {}, 0};
    if (auto why = kernels::check_descriptor(desc, out.kernels); !why.empty()) return why;
    out.score = (desc->required_features & ~features) ? 0 : desc->score(&host);
    return "";
}

bool inspect_plugin(const std::string& path, uint64_t features, Report& report, LoadedFile& out) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        report.fail("file", "cannot stat " + path + ": " + std::strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        report.fail("file", path + " is not a regular file");
        return false;
    }
    if (auto why = kernels::check_writers(st); !why.empty())
        report.fail("file", "the runtime refuses this file: " + why);
    if (auto why = kernels::check_elf_file(path); !why.empty()) {
        report.fail("file", why);
        return false;
    }
    report.ok("file", "ELF shared object for this machine");
    check_exports(path, report);

    bitnet_kp_entry_fn entry = nullptr;
    if (auto why = open_entry(path, entry); !why.empty()) {
        report.fail("load", why);
        return false;
    }
    report.ok("load", "dlopen resolved every symbol");
    probe_null_arguments(entry, features, report);

    // Version negotiation: a host of the next major must be turned away.
    bitnet_kp_host future = make_host(features);
    future.abi_major = BITNET_KP_ABI_MAJOR + 1;
    future.abi_minor = 0;
    const bitnet_kp_plugin* ignored = nullptr;
    if (const auto status = entry(&future, &ignored); status != BITNET_KP_ERR_ABI)
        report.fail("entry", "returned status " + std::to_string(status) + " to a host of ABI " +
                                 abi_text(BITNET_KP_ABI_MAJOR + 1, 0) + "; it must return BITNET_KP_ERR_ABI");
    else
        report.ok("entry", "refuses a host of ABI " + abi_text(BITNET_KP_ABI_MAJOR + 1, 0));

    static bitnet_kp_host host;  // plugins may keep the pointer
    host = make_host(features);
    const bitnet_kp_plugin* desc = nullptr;
    const auto status = entry(&host, &desc);
    if (status == BITNET_KP_ERR_ABI) {
        report.fail("entry", "ABI mismatch: refused this host's ABI " +
                                 abi_text(BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR));
        return false;
    }
    if (status != BITNET_KP_OK) {
        report.fail("entry", "failed with status " + std::to_string(status));
        return false;
    }
    report.ok("entry", "accepts this host's ABI " + abi_text(BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR));

    out = LoadedFile{path, desc, {}, 0};
    if (auto why = kernels::check_descriptor(desc, out.kernels); !why.empty()) {
        report.fail("descriptor", why);
        return false;
    }
    report.ok("descriptor", std::string(desc->name) + " " + desc->version + " (" + desc->vendor + "), ABI " +
                                abi_text(desc->abi_major, desc->abi_minor) + ", " +
                                std::to_string(desc->n_kernels) + " kernel(s)" +
                                (desc->required_features
                                     ? ", needs " + kernels::feature_names(desc->required_features)
                                     : ""));
    describe_kernels(out, features, report);

    check_score_without_features(*desc, features, report);
    if (const uint64_t missing = desc->required_features & ~features) {
        report.info("score", "cannot run on this CPU: lacks " + kernels::feature_names(missing));
    } else {
        out.score = desc->score(&host);
        report.info("score", std::to_string(out.score) + " on this CPU" +
                                 (out.score ? "" : ": the runtime will not use it here"));
    }
    return true;
}

}  // namespace bitnet::plugin_check
