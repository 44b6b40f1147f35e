// SPDX-License-Identifier: MIT
// `bitnet-bench` (no subcommand): llama-bench-style prompt and generation tests
// for every combination of backend, head precision and thread count, each
// against a freshly built engine.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bandwidth.hpp"
#include "determinism.hpp"
#include "model_facts.hpp"
#include "perf_tests.hpp"

namespace bitnet::bench {

struct BenchOptions {
    std::string model;
    std::vector<int> n_prompt{128};  // 0 entries are skipped (as llama-bench's -p 0)
    std::vector<int> n_gen{128};
    std::vector<int> batch{1};       // tg tests: sequences decoded together (tg N x B)
    std::vector<unsigned> threads;   // empty: every core
    int repetitions{5};
    std::vector<std::string> backends{"auto"};
    std::vector<std::string> head_precisions{"f16"};
    bool use_mmap{true};             // false: --mmap 0, weights read into memory at load
    std::vector<std::string> plugin_dirs;
    std::optional<std::string> receipt_dir;
    bool bandwidth{true};
    uint64_t bandwidth_bytes{uint64_t{1} << 30};
};

struct ConfigResult {
    std::string backend;          // as requested
    std::string head_precision;
    unsigned threads{0};
    ModelFacts model;             // decode bytes depend on the head precision
    double load_ms{0};
    bool weights_copied{false};   // --mmap 0
    std::vector<std::string> kernels;  // IDs of the kernels that ran, from the dispatch counters
    std::vector<PerfResult> tests;
    std::string receipt;          // path, when one was written
};

struct BenchReport {
    std::string timestamp;
    std::string git_commit;
    std::string cpu;
    unsigned cores{0};
    std::array<double, 3> load_average{};  // at the start
    Determinism determinism;
    uint64_t seed{0};
    int repetitions{0};
    std::vector<ConfigResult> configs;
    std::map<unsigned, BandwidthResult> bandwidth;  // by thread count
};

// Runs everything options ask for. Progress goes to stderr. Throws bitnet::Error
// on a bad model, backend or test shape.
BenchReport run_bench(const BenchOptions& options);

// The decode (tg) or prompt (pp) limit in tokens/s for a test at the
// bandwidth measured with the config's thread count; 0 when unknown.
double limit_tok_per_s(const BenchReport& report, const ConfigResult& config, const PerfTest& test);

}  // namespace bitnet::bench
