// SPDX-License-Identifier: MIT
// Token sampling: turns one position's logits into a token id, the way llama.cpp's
// default chain does (penalties, top-k, top-p, min-p, temperature, draw).
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

namespace bitnet::sampling {

// Defaults are llama.cpp's. A filter whose value makes it a no-op is skipped:
// top_k <= 0, top_p >= 1, min_p <= 0, repeat_penalty == 1 with both OpenAI
// penalties 0, repeat_last_n == 0.
struct SamplingParams {
    float temperature = 0.8f;     // <= 0: greedy argmax (lowest id on ties)
    int32_t top_k = 40;
    float top_p = 0.95f;
    float min_p = 0.05f;
    float repeat_penalty = 1.0f;
    // OpenAI's penalties, over the same window: an id seen count times loses
    // count * frequency_penalty + presence_penalty (after the repeat penalty);
    // negative values favour repeats. The API allows [-2, 2]; any finite value works.
    float frequency_penalty = 0.0f;
    float presence_penalty = 0.0f;
    int32_t repeat_last_n = 64;   // window of accepted ids the penalties see; < 0: all since reset
    uint64_t seed = 42;
};

class Sampler {
public:
    // Throws bitnet::Error when a parameter is out of range (repeat penalty not
    // > 0, a penalty not finite, NaN). Each Sampler owns its random engine, seeded from params.seed, so a
    // seed gives the same draws in any run and at any thread count.
    explicit Sampler(SamplingParams params);

    // Picks a token id in [0, logits.size()). Needs at least one finite logit
    // (throws bitnet::Error otherwise). Does not add the id to the window: call
    // accept() with the id actually used.
    int32_t sample(std::span<const float> logits);

    // Records an id (prompt or generated) for the penalties.
    void accept(int32_t id);

    // Back to the state right after construction: empty window, engine reseeded.
    void reset();

    const SamplingParams& params() const { return params_; }

private:
    struct Candidate {
        int32_t id;
        float logit;
    };

    void apply_penalties();
    void keep_top_k();
    void keep_top_p();
    void keep_min_p();
    int32_t draw();
    double uniform01();

    SamplingParams params_;
    std::mt19937_64 engine_;
    std::deque<int32_t> window_;
    std::vector<Candidate> candidates_;  // scratch, sorted by logit descending once filtered
    bool sorted_ = false;
};

}  // namespace bitnet::sampling
