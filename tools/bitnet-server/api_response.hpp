// SPDX-License-Identifier: MIT
// The JSON bodies the API answers with: completions, their streamed chunks
// (Server-Sent Events), the model list and errors, in OpenAI's shapes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "job.hpp"

namespace bitnet::server {

struct ResponseMeta {
    bool chat{false};
    std::string id;       // chatcmpl-N or cmpl-N
    int64_t created{0};   // Unix seconds
    std::string model;
};

// "stop" or "length" (a full context counts as length).
const char* finish_reason(StopReason stop);

std::string error_body(std::string_view message, std::string_view type = "invalid_request_error",
                       std::string_view param = {}, std::string_view code = {});

std::string completion_body(const ResponseMeta& meta, const std::string& text, const JobOutcome& out);

// One SSE event "data: {...}\n\n". finish: the last chunk (empty text, with the
// finish reason); role: the chat's first chunk, announcing the assistant.
std::string stream_text_event(const ResponseMeta& meta, std::string_view text);
std::string stream_role_event(const ResponseMeta& meta);
std::string stream_finish_event(const ResponseMeta& meta, const JobOutcome& out);
std::string stream_usage_event(const ResponseMeta& meta, const JobOutcome& out);
inline constexpr std::string_view kStreamDone = "data: [DONE]\n\n";

std::string models_body(const std::string& model, int64_t created);

}  // namespace bitnet::server
