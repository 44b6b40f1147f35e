// SPDX-License-Identifier: MIT
// The two llama-bench tests. pp N: N prompt tokens evaluated as one batch from an
// empty context. tg N: after a one-token prompt, N single-token steps, each
// feeding back the greedy pick. Each is run once untimed (weights, caches and the
// KV pages warm), then timed `repetitions` times.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "stats.hpp"

namespace bitnet::model { class Session; }

namespace bitnet::bench {

struct PerfTest {
    enum class Kind { Prompt, Generate };
    Kind kind{Kind::Prompt};
    int n{0};
    std::string name() const { return (kind == Kind::Prompt ? "pp" : "tg") + std::to_string(n); }
    // Positions the test needs in the context.
    int context() const { return kind == Kind::Prompt ? n : n + 1; }
};

// Token ids for the tests: uniform over the vocabulary, from one generator, so a
// fixed seed gives the same ids in every run.
class TokenSource {
public:
    TokenSource(uint64_t seed, int32_t n_vocab) : engine_(seed), dist_(0, n_vocab - 1) {}
    std::vector<int32_t> draw(int n);

private:
    std::mt19937_64 engine_;
    std::uniform_int_distribution<int32_t> dist_;
};

struct PerfResult {
    PerfTest test;
    std::vector<double> seconds;     // per timed repetition
    std::vector<double> tok_per_s;   // n / seconds
    Summary rate;                    // over tok_per_s
};

// Resets the session before each repetition. Throws bitnet::Error when the test
// does not fit the session's context.
PerfResult run_perf_test(model::Session& session, const PerfTest& test, int repetitions, TokenSource& tokens);

}  // namespace bitnet::bench
