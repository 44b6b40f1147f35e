// SPDX-License-Identifier: MIT
// A set of baseline runs as compare reads it: a directory holding summary.json
// (what `baseline run` writes), a summary file, a directory of receipts, or one
// receipt. Every receipt is verified on load, so a baseline that would not pass
// `bitnet-receipt verify` (zero speeds, mock kernels, bad hashes) is refused.
// A summary also gives every repetition's speeds and, since summary_version 2,
// the machine probes of each run.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "machine_probes.hpp"

namespace bitnet::bench {

struct RunMetrics {
    double prefill_tok_per_s{0};
    double decode_tok_per_s{0};
    double ttft_ms{0};
    double peak_rss_bytes{0};
    // A repetition's pool probes (summary_version 3); none in receipts and
    // older summaries.
    std::optional<PoolProbeSample> machine;
};

struct BaselineRun {
    std::string key;           // "<backend>-t<threads>[-p<prompt>]", or the receipt's file stem
    std::string backend;       // as requested
    int64_t threads{0};
    int64_t prompt_index{0};
    std::string receipt_path;
    RunMetrics metrics;                 // the receipt's: median timings
    std::vector<RunMetrics> repetitions;  // from the summary (no peak RSS); empty for bare receipts
    std::optional<MachineProbes> probes;  // from the summary; none before summary_version 2
    std::map<std::string, std::string> selected;  // op -> kernel ID
    std::vector<int32_t> generated_ids;
    std::string model_sha256;
    uint64_t model_size{0};
    std::string cpu_brand;
    std::string git_commit;
    std::string timestamp;
};

struct BaselineSet {
    std::string source;        // the path given
    std::string cpu_class;     // from the summary; "" for bare receipts
    std::vector<BaselineRun> runs;  // in the order written
};

// Throws bitnet::Error naming the file: unreadable, not a summary or receipt,
// or a receipt that fails verification (every violated rule listed).
BaselineSet load_baseline_set(const std::string& path);

// The run key `baseline run` gives a receipt.
std::string run_key(const std::string& backend, int64_t threads, int64_t prompt_index, bool several_prompts);

}  // namespace bitnet::bench
