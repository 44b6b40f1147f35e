// Text generation: the prompt as one batch, then one token per step, sampled,
// until EOS (unless ignored) or n_predict tokens.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/sampler.hpp"
#include "bitnet/session.hpp"

namespace bitnet {

struct GenerateOptions {
    int32_t n_predict{128};   // < 0: until EOS or the context is full
    bool ignore_eos{false};
    sampling::SamplingParams sampling;
    bool keep_first_logits{false};  // copy the logits of the first generated position
};

struct GenerateResult {
    std::vector<int32_t> prompt_ids;
    std::vector<int32_t> generated;
    std::vector<float> first_logits;
    double prefill_ms{0};     // prompt batch, up to its logits
    double decode_ms{0};      // every later step
    double first_token_ms{0}; // from the start of generation to the first sampled token
    bool stopped_at_eos{false};
};

// Called with each sampled token id; return false to stop.
using TokenCallback = std::function<bool(int32_t id)>;

GenerateResult generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                        const GenerateOptions& options, const TokenCallback& on_token);

}  // namespace bitnet
