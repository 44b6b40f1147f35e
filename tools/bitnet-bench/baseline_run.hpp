// SPDX-License-Identifier: MIT
// `bitnet-bench baseline run`: the workload once per plugin that can run on this
// CPU, and once with auto, each in its own process; one receipt per run plus
// summary.json in the output directory.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace bitnet::bench {

struct BaselineRunOptions {
    std::string workload{"baselines/workload.json"};
    std::string out_dir;                      // "" = baseline-<cpu class>
    std::optional<std::string> model;         // instead of the synthesised one
    std::optional<std::string> model_dir;     // cache for synthesised models
    std::vector<std::string> backends;        // empty: every runnable plugin, then auto
    std::vector<std::string> plugin_dirs;
    std::optional<int> repetitions;           // overrides the workload's (also per backend)
};

// Returns the exit code: 0, or kExitAnswersChanged when runs of one prompt
// disagree on the generated ids. Throws bitnet::Error on failures.
int run_baseline(const BaselineRunOptions& options);

}  // namespace bitnet::bench
