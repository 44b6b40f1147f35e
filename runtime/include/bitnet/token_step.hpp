// SPDX-License-Identifier: MIT
// The per-token part of a generation, without the forward pass: sample from a
// position's logits, accept the id, end on an end-of-generation or stop id, turn
// the id into text with stop strings held back, and end at the token limit or a
// full context. generate() and bitnet-server's slots both step through this, so
// a request generates the same tokens whoever drives the session.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "bitnet/generate.hpp"
#include "bitnet/sampler.hpp"
#include "bitnet/stop.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet {

class TokenStep {
public:
    // prompt_ids feed the repetition window. limit: the most tokens to sample
    // (options.n_predict is not read; callers resolve "< 0" to their context).
    // Keeps a reference to tok, which must outlive this object.
    TokenStep(const tokenizer::Tokenizer& tok, const GenerateOptions& options, std::span<const int32_t> prompt_ids,
              int64_t limit);

    struct Result {
        int32_t id{-1};    // the sampled id; evaluate it next unless done()
        std::string text;  // text now safe to show (may be empty)
    };

    // Samples one token from logits. context_left: whether the session has room
    // to evaluate another token; when not, the step ends with StopReason::Context.
    // Must not be called once done().
    Result next(std::span<const float> logits, bool context_left);

    // Ends the generation at the caller's request (StopReason::Caller).
    void cancel();

    // The held-back text once the generation is over, unless a stop string ended it.
    std::string flush();

    bool done() const { return done_; }
    StopReason stop() const { return stop_; }
    int32_t stop_id() const { return stop_id_; }
    int64_t steps() const { return steps_; }  // tokens sampled so far
    const std::vector<int32_t>& generated() const { return generated_; }

private:
    const tokenizer::Tokenizer& tok_;
    bool ignore_eos_;
    sampling::Sampler sampler_;
    sampling::StopMatcher stops_;
    sampling::StopIdSet stop_ids_;
    int64_t limit_;
    int64_t steps_{0};
    std::vector<int32_t> generated_;
    bool done_{false};
    StopReason stop_{StopReason::Length};
    int32_t stop_id_{-1};
};

}  // namespace bitnet
