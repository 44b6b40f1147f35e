// SPDX-License-Identifier: MIT
#include "parity_core.hpp"

#include <sstream>

#include "cpu_features.hpp"

namespace bitnet::parity {
namespace {

std::vector<Range> whole(int64_t extent) { return {Range{0, extent}}; }

// Checks one kernel on every case; the first failing case decides the detail.
KernelVerdict check_kernel(const bitnet_kp_kernel& kernel, const std::vector<CasePtr>& cases,
                           const std::vector<Outputs>& ref, const std::vector<std::vector<float>>& tol,
                           const ParityOptions& options) {
    KernelVerdict v;
    v.kernel_id = kernel.id;
    Rng rng(options.seed ^ std::hash<std::string>{}(kernel.id));
    for (size_t c = 0; c < cases.size(); ++c) {
        ++v.cases;
        const Outputs got = cases[c]->run(kernel, whole(cases[c]->extent()));
        std::string diff = compare_outputs(ref[c], got, tol[c]);
        if (!diff.empty()) {
            v.verdict = Verdict::kFailed;
            std::ostringstream d;
            d << '[' << cases[c]->describe() << "] differs from " << kReferencePlugin << ": " << diff;
            v.detail = d.str();
            return v;
        }
        for (int s = 0; s < options.splits_per_case; ++s) {
            const std::vector<Range> chunks = random_split(rng, cases[c]->extent());
            const Outputs split = cases[c]->run(kernel, chunks);
            diff = compare_outputs(got, split, {});
            if (!diff.empty()) {
                v.verdict = Verdict::kFailed;
                std::ostringstream d;
                d << '[' << cases[c]->describe() << "] result depends on the row split (" << chunks.size()
                  << " chunks): " << diff;
                v.detail = d.str();
                return v;
            }
        }
    }
    return v;
}

}  // namespace

std::vector<std::string> kernels_without_cases(const PluginSet& plugins) {
    std::vector<std::string> out;
    for (const LoadedPlugin& plugin : plugins.plugins) {
        for (const bitnet_kp_kernel* kernel : plugin.kernels) {
            if (find_op_spec(kernel->op) == nullptr) {
                out.push_back(std::string(kernel->id) + ": op " + std::to_string(kernel->op));
            }
        }
    }
    return out;
}

std::string skip_reason(const LoadedPlugin& plugin, const bitnet_kp_kernel& kernel, uint64_t cpu) {
    if (plugin.score == 0) return "plugin " + plugin.name() + " scores 0 on this CPU";
    const uint64_t needs = plugin.desc->required_features | kernel.required_features;
    if ((needs & cpu) != needs) return "CPU lacks " + feature_names(needs & ~cpu);
    return "";
}

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::kPassed: return "PASS";
        case Verdict::kFailed: return "FAIL";
        case Verdict::kSkipped: return "SKIP";
    }
    return "?";
}

std::vector<KernelVerdict> run_op_parity(const PluginSet& plugins, uint64_t cpu_features, const OpSpec& spec,
                                         const ParityOptions& options) {
    std::vector<KernelVerdict> verdicts;
    const LoadedPlugin* scalar = find_plugin(plugins, kReferencePlugin);
    const bitnet_kp_kernel* reference = scalar ? find_kernel(*scalar, spec.op) : nullptr;
    if (reference == nullptr) {
        KernelVerdict v;
        v.kernel_id = std::string(kReferencePlugin) + "." + spec.name;
        v.op = spec.name;
        v.verdict = Verdict::kFailed;
        v.detail = "no reference kernel: cpu-scalar is missing or lacks this op";
        verdicts.push_back(v);
        return verdicts;
    }

    const std::vector<CasePtr> cases = spec.make_cases(options.level, options.seed + spec.op);
    std::vector<Outputs> ref;
    std::vector<std::vector<float>> tol;
    for (const CasePtr& c : cases) {
        ref.push_back(c->run(*reference, whole(c->extent())));
        tol.push_back(c->tolerance(ref.back()));
    }

    for (const LoadedPlugin& plugin : plugins.plugins) {
        for (const bitnet_kp_kernel* kernel : plugin.kernels) {
            if (kernel->op != spec.op) continue;
            KernelVerdict v;
            const std::string reason = skip_reason(plugin, *kernel, cpu_features);
            if (!reason.empty()) {
                v.kernel_id = kernel->id;
                v.verdict = Verdict::kSkipped;
                v.detail = reason;
            } else {
                v = check_kernel(*kernel, cases, ref, tol, options);
            }
            v.op = spec.name;
            verdicts.push_back(v);
        }
    }
    return verdicts;
}

}  // namespace bitnet::parity
