// SPDX-License-Identifier: MIT
// Reads the body of POST /v1/chat/completions and /v1/completions into
// generation options. Unknown fields are ignored, as OpenAI does; null is the
// same as absent. Besides OpenAI's fields: top_k, min_p, repeat_penalty,
// repeat_last_n and ignore_eos, as llama.cpp's server has them.
#pragma once

#include <string>
#include <string_view>

#include "bitnet/generate.hpp"

namespace bitnet::server {

struct CompletionRequest {
    bool chat{false};
    std::string prompt;           // chat: the conversation in the chat template
    GenerateOptions gen;          // n_predict < 0: no max_tokens
    bool stream{false};
    bool include_usage{false};    // stream_options.include_usage
};

// Throws ApiError (400) on malformed JSON, a wrong type or an out-of-range value.
CompletionRequest parse_completion_request(std::string_view body, bool chat);

}  // namespace bitnet::server
