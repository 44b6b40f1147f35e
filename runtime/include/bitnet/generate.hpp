// SPDX-License-Identifier: MIT
// Text generation: the prompt as one batch, then one token per step, sampled,
// until an end-of-generation token (unless ignored), a stop id or string, or
// n_predict tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/sampler.hpp"
#include "bitnet/session.hpp"

namespace bitnet {

struct GenerateOptions {
    int32_t n_predict{128};   // < 0: until a stop or the context is full
    bool ignore_eos{false};   // generate through the vocabulary's end tokens
    sampling::SamplingParams sampling;
    std::vector<std::string> stop_strings;  // generation ends when the text contains one
    std::vector<int32_t> stop_ids;          // generation ends at these ids (even with ignore_eos)
    bool keep_first_logits{false};          // copy the logits of the first generated position
};

enum class StopReason { Length, EndOfGeneration, StopId, StopString, Context, Caller };
const char* stop_reason_name(StopReason r);

struct GenerateResult {
    std::vector<int32_t> prompt_ids;
    std::vector<int32_t> generated;  // every sampled id but a final end/stop id
    std::vector<float> first_logits;
    double prefill_ms{0};            // prompt batch, up to its logits
    double decode_ms{0};             // every later step
    double first_token_ms{0};        // from the start to the first sampled token
    StopReason stop{StopReason::Length};
    int32_t stop_id{-1};             // the end/stop id sampled, if that ended it
};

// Receives generated text as it becomes safe to show (stop strings held back).
// Return false to stop.
using TextCallback = std::function<bool(std::string_view text)>;

// Evaluates prompt_ids at the session's current position, then generates.
GenerateResult generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                        const GenerateOptions& options, const TextCallback& on_text);

}  // namespace bitnet
