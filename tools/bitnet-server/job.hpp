// SPDX-License-Identifier: MIT
// One generation request as the scheduler sees it: the prompt text, the
// generation options, and where its text and its end go.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "bitnet/generate.hpp"

namespace bitnet::server {

struct JobOutcome {
    int status{200};        // not 200: the request failed with error (nothing was generated)
    std::string error;
    StopReason stop{StopReason::Length};
    int64_t prompt_tokens{0};
    int64_t completion_tokens{0};
};

struct Job {
    std::string prompt;     // tokenized with BOS and special tokens parsed
    GenerateOptions gen;    // n_predict < 0: until a stop or the slot's context is full
    // Both called on the scheduler thread, on_text zero or more times, then on_done once.
    std::function<void(std::string_view text)> on_text;
    std::function<void(const JobOutcome&)> on_done;
    std::atomic<bool> cancelled{false};  // set by the connection; the slot is freed at the next step
};

}  // namespace bitnet::server
