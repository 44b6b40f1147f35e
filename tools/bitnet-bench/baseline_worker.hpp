// SPDX-License-Identifier: MIT
// One baseline measurement (one backend, thread count and prompt of a workload)
// in a process of its own, so its receipt's peak RSS is its own. `baseline run`
// starts it as `bitnet-bench baseline run-one ...`.
#pragma once

#include <string>
#include <vector>

#include "workload.hpp"

namespace bitnet::bench {

struct WorkerJob {
    std::string model_path;
    std::string backend;
    unsigned threads{1};
    size_t prompt_index{0};
    std::vector<std::string> plugin_dirs;
    std::string receipt_path;  // the receipt: timings are medians over the repetitions
    std::string record_path;   // every repetition's timings, for the summary
};

// Loads the engine, warms up with a two-token generation, then generates the
// prompt `repetitions_for(backend)` times; throws bitnet::Error if two
// repetitions disagree on the generated ids.
void run_worker(const Workload& workload, const WorkerJob& job);

}  // namespace bitnet::bench
