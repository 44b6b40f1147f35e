// SPDX-License-Identifier: MIT
// The parity run: every kernel of every loaded plugin that can run on this CPU,
// op by op, against the cpu-scalar kernel of the same op on the op's cases, and
// against itself under random row splits. Plain C++ so it also runs under
// qemu; test frameworks wrap it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "op_specs.hpp"
#include "plugin_set.hpp"

namespace bitnet::parity {

constexpr const char* kReferencePlugin = "cpu-scalar";

enum class Verdict { kPassed, kFailed, kSkipped };

struct KernelVerdict {
    std::string kernel_id;
    std::string op;
    Verdict verdict = Verdict::kPassed;
    std::string detail;  // why skipped, or what differed
    int cases = 0;
};

struct ParityOptions {
    Level level = Level::kFull;
    uint64_t seed = 20260101;
    int splits_per_case = 2;
};

// Runs op `spec` for every kernel in `plugins` (the reference plugin's own
// kernel included: it must at least be split-independent).
std::vector<KernelVerdict> run_op_parity(const PluginSet& plugins, uint64_t cpu_features, const OpSpec& spec,
                                         const ParityOptions& options);

const char* verdict_name(Verdict v);

// "<id>: op N" for every kernel whose op has no entry in op_specs(): the suite
// would otherwise pass it untested.
std::vector<std::string> kernels_without_cases(const PluginSet& plugins);

// Why `kernel` of `plugin` cannot run on a CPU with `cpu_features`, or "".
std::string skip_reason(const LoadedPlugin& plugin, const bitnet_kp_kernel& kernel, uint64_t cpu_features);

}  // namespace bitnet::parity
