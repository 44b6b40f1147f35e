// SPDX-License-Identifier: MIT
// The two llama-bench tests. pp N: N prompt tokens evaluated as one batch from an
// empty context. tg N: after a one-token prompt, N single-token steps, each
// feeding back the greedy pick. Each is run once untimed (weights, caches and the
// KV pages warm), then timed `repetitions` times. tg N x B: B sequences, each
// after its own one-token prompt, take N steps together, one
// Session::decode_batch per step (a server's batched decode); its rate is
// every sequence's tokens per second together.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "stats.hpp"

namespace bitnet::model { class Session; }

namespace bitnet::bench {

struct PerfTest {
    enum class Kind { Prompt, Generate };
    Kind kind{Kind::Prompt};
    int n{0};
    int batch{1};  // tg only: sequences decoded together
    std::string name() const {
        return (kind == Kind::Prompt ? "pp" : "tg") + std::to_string(n) + (batch > 1 ? "x" + std::to_string(batch) : "");
    }
    int tokens() const { return n * batch; }
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

// Resets the sessions before each repetition; a test uses the first test.batch
// of them. Throws bitnet::Error when the test does not fit their context or
// there are too few.
PerfResult run_perf_test(std::span<model::Session* const> sessions, const PerfTest& test, int repetitions,
                         TokenSource& tokens);

}  // namespace bitnet::bench
