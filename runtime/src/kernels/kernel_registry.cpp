// SPDX-License-Identifier: MIT
#include "bitnet/kernel_registry.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "bitnet/cpu_features.hpp"
#include "bitnet/error.hpp"
#include "build_info.hpp"
#include "bitnet/plugin_checks.hpp"

namespace bitnet::kernels {

namespace fs = std::filesystem;

struct Registry::Library {
    boost::dll::shared_library lib;
};

namespace {

bitnet_kp_host make_host(uint64_t features) {
    bitnet_kp_host host{};
    host.struct_size = sizeof(host);
    host.abi_major = BITNET_KP_ABI_MAJOR;
    host.abi_minor = BITNET_KP_ABI_MINOR;
    host.cpu_features = features;
    host.host_name = "bitnet-runtime";
    host.host_version = build::kVersion;
    return host;
}

std::vector<std::string> split_path_list(const char* list) {
    std::vector<std::string> out;
    if (!list) return out;
    std::string s = list;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find(':', start);
        if (end == std::string::npos) end = s.size();
        // Empty entries would mean the current directory; plugins never load from there.
        if (end > start) out.push_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

const char* status_name(bitnet_kp_status s) {
    switch (s) {
        case BITNET_KP_OK: return "BITNET_KP_OK";
        case BITNET_KP_ERR_ABI: return "BITNET_KP_ERR_ABI";
        case BITNET_KP_ERR_INVALID: return "BITNET_KP_ERR_INVALID";
        case BITNET_KP_ERR_UNSUPPORTED: return "BITNET_KP_ERR_UNSUPPORTED";
    }
    return "unknown status";
}

std::string missing_features(uint64_t needed, uint64_t have) {
    return feature_names(needed & ~have);
}

}  // namespace

Registry::Registry(const DiscoveryOptions& options)
    : allow_insecure_(options.allow_insecure), features_(options.cpu_features) {
    if (allow_insecure_)
        notes_.push_back("--allow-insecure-plugin-dir: plugin directories and files that other users can write "
                         "are searched and loaded");
    std::vector<std::pair<std::string, bool>> dirs;  // path, given explicitly
    for (const auto& d : options.plugin_dirs) dirs.emplace_back(d, true);
    if (options.use_environment)
        for (const auto& d : split_path_list(std::getenv("BITNET_PLUGIN_PATH"))) dirs.emplace_back(d, true);
    if (options.use_default_dirs) {
        dirs.emplace_back(build::kPluginInstallDir, false);
        // Beside this library as installed: finds the plugins of a relocated or
        // merely extracted package tree, whatever its prefix or libdir.
        fs::path lib_dir = boost::dll::this_line_location().parent_path().string();
        dirs.emplace_back((lib_dir / build::kPluginDirFromLibDir).string(), false);
        fs::path exe_dir = boost::dll::program_location().parent_path().string();
        dirs.emplace_back((exe_dir.parent_path() / "plugins").string(), false);
    }
    std::set<std::string> seen;
    for (const auto& [dir, explicit_dir] : dirs) {
        // A relative entry ("." or "plugins") would load whatever the current
        // directory holds.
        if (!fs::path(dir).is_absolute()) {
            notes_.push_back("plugin directory " + dir +
                             ": refused, a relative path depends on the current directory");
            continue;
        }
        std::error_code ec;
        fs::path canon = fs::weakly_canonical(dir, ec);
        std::string key = ec ? fs::path(dir).lexically_normal().string() : canon.string();
        if (!seen.insert(key).second) continue;
        dirs_.push_back(key);
        scan_dir(key, explicit_dir);
    }
}

Registry::~Registry() = default;

void Registry::scan_dir(const std::string& dir, bool explicit_dir) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (explicit_dir) notes_.push_back("plugin directory " + dir + ": does not exist");
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        notes_.push_back("plugin directory " + dir + ": not a directory");
        return;
    }
    if (!refuse_insecure("plugin directory " + dir, dir).empty()) return;
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const auto& p = entry.path();
        if (p.extension() == ".so" && entry.is_regular_file(ec)) files.push_back(p.string());
    }
    if (ec) notes_.push_back("plugin directory " + dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) load_file(f);
}

std::string Registry::refuse_insecure(const std::string& what, const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return "cannot stat " + path;
    const std::string why = check_writers(st);
    if (why.empty()) return "";
    if (allow_insecure_) {
        notes_.push_back(what + ": " + why + "; used anyway (--allow-insecure-plugin-dir)");
        return "";
    }
    notes_.push_back(what + ": refused, " + why);
    return why;
}

void Registry::load_file(const std::string& found) {
    PluginInfo info;
    // Load, check and report the file itself, never a symlink to it: the checks
    // then apply to what dlopen maps.
    std::error_code resolve_ec;
    const fs::path resolved = fs::canonical(found, resolve_ec);
    info.path = resolve_ec ? found : resolved.string();
    if (!resolve_ec && !loaded_paths_.insert(info.path).second) return;  // reached twice
    auto reject = [&](std::string why) {
        info.rejected = std::move(why);
        plugins_.push_back(std::move(info));
    };
    if (resolve_ec) return reject("cannot resolve path: " + resolve_ec.message());
    struct stat st {};
    if (::stat(info.path.c_str(), &st) != 0) return reject("cannot stat file");
    if (auto why = check_writers(st); !why.empty()) {
        if (!allow_insecure_) return reject("refused: " + why);
        notes_.push_back("plugin " + info.path + ": " + why + "; loaded anyway (--allow-insecure-plugin-dir)");
    }
    // A symlink may lead out of the searched directory: the real one must be safe too.
    const std::string real_dir = resolved.parent_path().string();
    if (real_dir != fs::path(found).parent_path().string())
        if (auto why = refuse_insecure("plugin directory " + real_dir, real_dir); !why.empty())
            return reject("refused: its directory " + real_dir + " is unsafe (" + why + ")");
    if (auto why = check_elf_file(info.path); !why.empty()) return reject(why);

    auto library = std::make_unique<Library>();
    boost::dll::fs::error_code ec;
    library->lib.load(info.path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local, ec);
    if (ec) return reject("cannot load: " + ec.message());
    if (!library->lib.has(BITNET_KP_ENTRY_SYMBOL))
        return reject(std::string("not a plugin: missing symbol ") + BITNET_KP_ENTRY_SYMBOL);
    auto& entry = library->lib.get<bitnet_kp_status(const bitnet_kp_host*, const bitnet_kp_plugin**)>(
        BITNET_KP_ENTRY_SYMBOL);
    libraries_.push_back(std::move(library));  // keep loaded: the plugin's data lives in it

    // Negotiation runs against the full CPU so the descriptor can describe itself;
    // the ISA ceiling applies when scoring below.
    bitnet_kp_host host = make_host(features_);
    const bitnet_kp_plugin* desc = nullptr;
    bitnet_kp_status status = entry(&host, &desc);
    if (status == BITNET_KP_ERR_ABI)
        return reject("ABI mismatch: plugin refused host ABI " + std::to_string(BITNET_KP_ABI_MAJOR) + "." +
                      std::to_string(BITNET_KP_ABI_MINOR));
    if (status != BITNET_KP_OK)
        return reject("entry point failed with status " + std::to_string(status) + " (" + status_name(status) + ")");
    if (desc && desc->struct_size >= sizeof(uint32_t) + 2 * sizeof(uint16_t) &&
        desc->abi_major != BITNET_KP_ABI_MAJOR)
        return reject("ABI mismatch: plugin has ABI major " + std::to_string(desc->abi_major) + ", host " +
                      std::to_string(BITNET_KP_ABI_MAJOR));
    if (auto why = check_descriptor(desc, info.kernels); !why.empty()) return reject(why);

    info.descriptor = desc;
    info.name = desc->name;
    info.version = desc->version;
    info.vendor = desc->vendor;
    info.required_features = desc->required_features;
    for (const auto& other : plugins_)
        if (other.name == info.name && other.usable())
            return reject("duplicate of plugin " + info.name + " already loaded from " + other.path);
    if ((info.required_features & features_) != info.required_features)
        return reject("cannot run here: needs " + missing_features(info.required_features, features_));
    // check_descriptor drops kernels of ops from a later ABI minor; with none left
    // the plugin has nothing this host can call.
    if (info.kernels.empty())
        return reject("no kernel for an op this host knows (ABI " + std::to_string(BITNET_KP_ABI_MAJOR) + "." +
                      std::to_string(BITNET_KP_ABI_MINOR) + ")");
    size_t runnable = 0;
    for (const auto* k : info.kernels) {
        if ((k->required_features & features_) == k->required_features)
            ++runnable;
        else
            info.skipped_kernels.push_back(std::string(k->id) + ": needs " +
                                           missing_features(k->required_features, features_));
    }
    if (runnable == 0)
        return reject("cannot run here: no kernel can run on this CPU (" + info.skipped_kernels.front() +
                      (info.skipped_kernels.size() > 1 ? ", ..." : "") + ")");
    info.score = desc->score(&host);
    if (info.score == 0) return reject("cannot run here: plugin scored 0 on this CPU");
    plugins_.push_back(std::move(info));
}

Selection Registry::select(std::string_view backend, uint64_t required_ops) const {
    Selection sel;
    sel.backend = std::string(backend);
    const PluginInfo* forced = nullptr;
    if (backend != "auto") {
        std::vector<std::string> names;
        for (const auto& p : plugins_) {
            if (p.name.empty()) continue;
            if (p.name == backend || p.name == "cpu-" + std::string(backend)) forced = &p;
            names.push_back(p.name);
        }
        if (!forced) {
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            throw Error("unknown backend '" + std::string(backend) + "' (found: auto" +
                        (list.empty() ? "" : ", " + list) + ")");
        }
        if (!forced->usable())
            throw Error("backend " + forced->name + " cannot be used: " + forced->rejected);
    }
    for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op) {
        // Rank: the forced plugin first, then (plugin score, kernel priority).
        auto rank = [&](const PluginInfo& p, const bitnet_kp_kernel* k) {
            return std::make_tuple(&p == forced ? 1 : 0, p.score, k->priority);
        };
        for (const auto& p : plugins_) {
            if (!p.usable()) continue;
            if (forced && &p != forced && p.name != "cpu-scalar") continue;
            for (const auto* k : p.kernels) {
                if (k->op != op || (k->required_features & features_) != k->required_features) continue;
                auto& cur = sel.per_op[op];
                if (!cur.kernel || rank(p, k) > rank(*cur.plugin, cur.kernel)) cur = {k, &p};
            }
        }
        if (!sel.per_op[op].kernel && (required_ops & op_bit(op)))
            throw Error("no usable kernel for op " + op_name(op) + " with backend " + std::string(backend) +
                        (forced ? " (cpu-scalar plugin not found?)" : ""));
    }
    return sel;
}

}  // namespace bitnet::kernels
