// SPDX-License-Identifier: MIT
// `bitnet-bench baseline compare OLD NEW`: per run (plugin, threads, prompt) and
// metric, the change from OLD to NEW, the kernels that changed, and whether the
// generated ids are identical, old to new and across the runs of one prompt.
//
// The machines are shared VMs whose speed moves by tens of percent with their
// neighbours, so speeds are judged against what the machine gave each run (the
// probes `baseline run` records around it, machine_probes.hpp):
//   decode tok/s  as a fraction of the bandwidth limit:
//                 tok/s x model bytes / (read GB/s x 1e9)
//   prefill tok/s per int8 GMAC/s of the compute probe (all threads)
//   TTFT          in probe GMACs: TTFT s x GMAC/s
// A normalized metric regresses when it is worse than OLD's by more than
//   clamp(2 x max(spread OLD, spread NEW), 10%, 40%)
// where a side's spread is (max - min) / median of its repetitions plus the
// drift of its probe (|before - after| / mean). Within ±5% is noise either way.
// Since summary_version 3 every repetition carries what the pool probe
// measured between its own tokens, in the run's own thread pool
// (pool_probe.hpp); when both sides have it, each repetition is normalized by
// its own reading, the normalized value is their median and a side's spread is
// that of its normalized repetitions (no drift term: the slices already sample
// the machine throughout). The run-level probes then only appear in the table.
// Peak RSS, and every metric of a pair where a side has no probes (bare receipts,
// summaries before version 2), are judged raw as before: more than 20% worse
// regresses; the comparison then says so in its warnings.
#pragma once

#include <string>
#include <vector>

#include "baseline_set.hpp"

namespace bitnet::bench {

enum class MetricStatus { Same, Better, Worse, Regression };
const char* status_name(MetricStatus s);

struct MetricChange {
    std::string name;        // "decode_tok_per_s", ...
    std::string label;       // "decode t/s"
    bool higher_is_better{true};
    double old_value{0};
    double new_value{0};
    double change_pct{0};    // (new - old) / old, raw values
    bool normalized{false};  // judged on the normalized values below, else on change_pct
    std::string basis;       // "bandwidth", "compute" or "raw"
    double old_norm{0}, new_norm{0};
    double norm_change_pct{0};
    double old_spread_pct{0}, new_spread_pct{0};
    double threshold_pct{0};  // worse than this is a regression
    MetricStatus status{MetricStatus::Same};
};

struct KernelChange {
    std::string op;
    std::string old_kernel;  // "" when the op had none
    std::string new_kernel;
};

struct RunComparison {
    std::string key;
    std::vector<MetricChange> metrics;
    std::vector<KernelChange> kernels;
    bool ids_identical{true};
    size_t old_ids{0}, new_ids{0};
    size_t first_difference{0};  // index of the first differing id when not identical
};

struct Comparison {
    std::string old_source, new_source;
    std::vector<RunComparison> runs;
    std::vector<std::string> only_in_old, only_in_new;
    bool new_runs_agree{true};     // every NEW run of a prompt generated the same ids
    std::vector<std::string> warnings;
    bool regression{false};
    bool answers_changed{false};
    int exit_code() const;
};

// Throws bitnet::Error when OLD and NEW ran different models (by SHA-256): a
// speed comparison across models would mean nothing.
Comparison compare_baselines(const BaselineSet& old_set, const BaselineSet& new_set);

}  // namespace bitnet::bench
