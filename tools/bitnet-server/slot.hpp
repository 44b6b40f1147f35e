// SPDX-License-Identifier: MIT
// A slot: one session (its own KV cache) and the request generating in it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "bitnet/session.hpp"
#include "bitnet/token_step.hpp"
#include "job.hpp"

namespace bitnet::server {

struct Slot {
    Slot(const model::Model& model, kernels::Dispatcher& dispatcher, int64_t n_ctx) : session(model, dispatcher, n_ctx) {}

    model::Session session;
    std::shared_ptr<Job> job;        // null: free
    std::optional<TokenStep> step;
    int32_t pending{-1};             // the sampled id decode_step evaluates next
    std::span<const float> logits;   // after the last evaluation, owned by session

    std::vector<int32_t> prompt_ids;
    std::chrono::steady_clock::time_point started, decode_started;
    double prefill_ms{0}, first_token_ms{0};
};

// Advances every slot by one token in one batched forward pass: slot->pending
// goes at the end of the slot's own session and slot->logits points at the
// logits that follow, bitwise those of the slot alone. Throws bitnet::Error as
// Session::decode_batch does, before any slot moves.
void decode_step(std::span<Slot* const> slots);

}  // namespace bitnet::server
