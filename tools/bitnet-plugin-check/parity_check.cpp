// SPDX-License-Identifier: MIT
#include "parity_check.hpp"

#include <filesystem>
#include <set>

#include "bitnet/kernel_registry.hpp"
#include "op_specs.hpp"
#include "parity_core.hpp"

namespace bitnet::plugin_check {
namespace {

parity::LoadedPlugin as_parity_plugin(const LoadedFile& f) {
    parity::LoadedPlugin p;
    p.path = f.path;
    p.desc = f.desc;
    p.score = f.score;
    p.kernels = f.kernels;
    return p;
}

bool same_file(const std::string& a, const std::string& b) {
    std::error_code ec;
    return std::filesystem::equivalent(a, b, ec);
}

}  // namespace

std::string find_reference(const std::string& explicit_path, uint64_t features, LoadedFile& out) {
    std::string path = explicit_path;
    if (path.empty()) {
        kernels::DiscoveryOptions options;
        options.use_environment = false;
        options.cpu_features = features;
        // Kept loaded: the registry owns the libraries its plugins live in.
        static std::unique_ptr<kernels::Registry> registry;
        registry = std::make_unique<kernels::Registry>(options);
        for (const auto& p : registry->plugins())
            if (p.name == parity::kReferencePlugin && p.usable()) path = p.path;
        if (path.empty()) {
            std::string searched;
            for (const auto& d : registry->search_dirs()) searched += (searched.empty() ? "" : ", ") + d;
            return std::string(parity::kReferencePlugin) + " not found (searched " + searched +
                   "); give its path with --scalar";
        }
    }
    if (auto why = load_plugin_file(path, features, out); !why.empty()) return path + ": " + why;
    if (out.desc->name != std::string(parity::kReferencePlugin))
        return path + " is plugin " + out.desc->name + ", not " + parity::kReferencePlugin;
    return "";
}

void check_kernels_against_reference(const LoadedFile& candidate, const LoadedFile& reference, uint64_t features,
                                     const ParitySettings& settings, Report& report) {
    parity::PluginSet set;
    set.plugins.push_back(as_parity_plugin(reference));
    // cpu-scalar is the reference itself: its kernels can only be held to split
    // independence, which the suite checks for the reference too.
    const bool is_reference = candidate.desc->name == std::string(parity::kReferencePlugin);
    if (is_reference && !same_file(candidate.path, reference.path))
        report.info("parity", "checking a cpu-scalar: compared with itself (split independence) only");
    if (is_reference)
        set.plugins.front() = as_parity_plugin(candidate);
    else
        set.plugins.push_back(as_parity_plugin(candidate));

    std::set<std::string> ids;
    for (const auto* k : candidate.kernels) ids.insert(k->id);
    parity::ParityOptions options;
    options.level = settings.quick ? parity::Level::kQuick : parity::Level::kFull;
    options.seed = settings.seed;
    for (const parity::OpSpec& spec : parity::op_specs()) {
        bool has_op = false;
        for (const auto* k : candidate.kernels) has_op |= k->op == spec.op;
        if (!has_op) continue;
        for (const parity::KernelVerdict& v : parity::run_op_parity(set, features, spec, options)) {
            // The reference's own verdicts matter only when it fails.
            if (!ids.count(v.kernel_id) && v.verdict != parity::Verdict::kFailed) continue;
            const std::string cases = std::to_string(v.cases) + " case(s)";
            switch (v.verdict) {
                case parity::Verdict::kPassed:
                    report.add(Status::kPass, v.kernel_id, "matches " + std::string(parity::kReferencePlugin) +
                                                               " on " + cases + ", at any row split");
                    break;
                case parity::Verdict::kFailed: report.add(Status::kFail, v.kernel_id, v.detail); break;
                case parity::Verdict::kSkipped: report.add(Status::kSkip, v.kernel_id, v.detail); break;
            }
        }
    }
    for (const std::string& untested : parity::kernels_without_cases(set))
        if (ids.count(untested.substr(0, untested.find(':'))))
            report.fail(untested.substr(0, untested.find(':')), "no parity cases exist for its op");
}

}  // namespace bitnet::plugin_check
