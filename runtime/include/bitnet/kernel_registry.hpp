// SPDX-License-Identifier: MIT
// Kernel registry: finds plugin files, loads each with Boost.DLL, validates
// everything it returns, scores it on this CPU and chooses one kernel per op.
// A bad plugin never stops the run: it is kept with a one-line reason that
// --list-backends prints.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <array>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bitnet::kernels {

// "i2s_gemv", "rmsnorm", ... for a BITNET_OP_* tag; "op <n>" when unknown.
std::string op_name(uint32_t op);

// A set of ops as bits (1 << op).
constexpr uint64_t op_bit(uint32_t op) { return uint64_t{1} << op; }
// The ops the forward pass of every architecture uses; the architecture adds
// its RoPE and activation (model::Architecture::ops), options add more (e.g.
// the int8 head).
constexpr uint64_t kModelOps = op_bit(BITNET_OP_I2S_GEMV) | op_bit(BITNET_OP_I2S_GEMM) |
                               op_bit(BITNET_OP_QUANTIZE_I8) | op_bit(BITNET_OP_RMSNORM) |
                               op_bit(BITNET_OP_ATTENTION) | op_bit(BITNET_OP_ADD) |
                               op_bit(BITNET_OP_EMBED_F16) | op_bit(BITNET_OP_F16_MATMUL);

struct PluginInfo {
    std::string path;      // absolute, symlinks resolved: the file that was loaded
    std::string name;      // empty when the file could not be read as a plugin
    std::string version;
    std::string vendor;
    uint64_t required_features{0};
    uint32_t score{0};     // under the features the registry was built with
    std::string rejected;  // why it is unusable; empty = usable
    const bitnet_kp_plugin* descriptor{nullptr};
    std::vector<const bitnet_kp_kernel*> kernels;  // validated table
    // Kernels of a usable plugin that cannot run on this CPU, one line each:
    // "<id>: needs <features>". Selection skips them.
    std::vector<std::string> skipped_kernels;
    bool usable() const { return rejected.empty(); }
};

struct DiscoveryOptions {
    std::vector<std::string> plugin_dirs;  // --plugin-dir, searched first, in order
    bool use_environment{true};            // BITNET_PLUGIN_PATH
    bool use_default_dirs{true};           // install dir, then the build tree
    // Search directories and load files that users other than their owner and
    // root may write (--allow-insecure-plugin-dir). Each is still named in notes().
    bool allow_insecure{false};
    uint64_t cpu_features{0};              // usable features after any ISA ceiling
};

struct SelectedKernel {
    const bitnet_kp_kernel* kernel{nullptr};
    const PluginInfo* plugin{nullptr};
};

struct Selection {
    std::string backend;  // as requested
    std::array<SelectedKernel, BITNET_OP_COUNT + 1> per_op{};  // index = op tag
};

class Registry {
public:
    explicit Registry(const DiscoveryOptions& options);
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    const std::vector<PluginInfo>& plugins() const { return plugins_; }
    // Directories searched, in order, and notes about them ("does not exist").
    const std::vector<std::string>& search_dirs() const { return dirs_; }
    const std::vector<std::string>& notes() const { return notes_; }
    uint64_t cpu_features() const { return features_; }

    // backend is "auto" or a plugin name (with or without the "cpu-" prefix).
    // Throws bitnet::Error when the backend is unknown (listing those found),
    // cannot run here (with its reason), or an op of required_ops has no kernel.
    Selection select(std::string_view backend, uint64_t required_ops = kModelOps) const;

private:
    struct Library;
    void scan_dir(const std::string& dir, bool explicit_dir);
    void load_file(const std::string& path);
    // "" when path may be trusted (or allow_insecure_ says to anyway, with a note).
    std::string refuse_insecure(const std::string& what, const std::string& path);

    bool allow_insecure_{false};
    std::set<std::string> loaded_paths_;  // resolved paths already tried

    uint64_t features_{0};
    std::vector<std::string> dirs_;
    std::vector<std::string> notes_;
    std::vector<PluginInfo> plugins_;
    std::vector<std::unique_ptr<Library>> libraries_;  // outlive every pointer above
};

}  // namespace bitnet::kernels
