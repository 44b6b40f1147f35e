// SPDX-License-Identifier: MIT
// bitnet-parity-driver: runs the kernel parity suite with nothing but dlopen and
// the C ABI, so it works in a cross build under qemu.
//   bitnet-parity-driver --plugin-dir DIR... [--quick] [--op NAME] [--seed N]
// (--plugin-dir may be repeated; BITNET_PARITY_PLUGIN_DIR adds one more.)
// Prints one line per kernel and a closing "N passed, N failed, N skipped"
// line; exits 1 when a kernel fails or a plugin is broken, 2 on bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "cpu_features.hpp"
#include "parity_core.hpp"

using namespace bitnet::parity;

int main(int argc, char** argv) {
    std::vector<std::string> dirs;
    std::string only_op;
    ParityOptions options;
    if (const char* env = std::getenv("BITNET_PARITY_PLUGIN_DIR")) dirs.push_back(env);
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--plugin-dir" && i + 1 < argc) {
            dirs.push_back(argv[++i]);
        } else if (arg == "--quick") {
            options.level = Level::kQuick;
        } else if (arg == "--op" && i + 1 < argc) {
            only_op = argv[++i];
        } else if (arg == "--seed" && i + 1 < argc) {
            options.seed = std::strtoull(argv[++i], nullptr, 10);
        } else {
            std::fprintf(stderr, "usage: %s --plugin-dir DIR [--quick] [--op NAME] [--seed N]\n", argv[0]);
            return 2;
        }
    }
    if (dirs.empty()) {
        std::fprintf(stderr, "error: no plugin directory (--plugin-dir or BITNET_PARITY_PLUGIN_DIR)\n");
        return 2;
    }

    const uint64_t cpu = detect_cpu_features();
    std::printf("cpu features: %s\n", feature_names(cpu).c_str());
    const PluginSet plugins = load_plugins(dirs, cpu);
    for (const LoadedPlugin& p : plugins.plugins) {
        std::printf("plugin %s (%s): score %u, %zu kernels\n", p.name().c_str(), p.path.c_str(), p.score,
                    p.kernels.size());
    }
    for (const std::string& note : plugins.not_for_here) std::printf("skipped plugin %s\n", note.c_str());
    for (const std::string& err : plugins.errors) std::printf("BROKEN plugin %s\n", err.c_str());

    int passed = 0, failed = 0, skipped = 0;
    bool op_found = only_op.empty();
    for (const OpSpec& spec : op_specs()) {
        if (!only_op.empty() && only_op != spec.name) continue;
        op_found = true;
        for (const KernelVerdict& v : run_op_parity(plugins, cpu, spec, options)) {
            std::printf("%s %s (%d cases)%s%s\n", verdict_name(v.verdict), v.kernel_id.c_str(), v.cases,
                        v.detail.empty() ? "" : ": ", v.detail.c_str());
            std::fflush(stdout);
            if (v.verdict == Verdict::kPassed) ++passed;
            if (v.verdict == Verdict::kFailed) ++failed;
            if (v.verdict == Verdict::kSkipped) ++skipped;
        }
    }
    for (const std::string& k : kernels_without_cases(plugins)) {
        std::printf("UNTESTED %s has no parity cases\n", k.c_str());
        ++failed;
    }
    if (!op_found) {
        std::fprintf(stderr, "error: unknown op '%s'\n", only_op.c_str());
        return 2;
    }
    std::printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
    return (failed > 0 || !plugins.errors.empty()) ? 1 : 0;
}
