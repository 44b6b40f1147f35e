// SPDX-License-Identifier: MIT
// Continuous batching's decode: every active slot's next token goes through one
// forward pass (Session::decode_batch), so the weights are read once per step
// for all of them; attention still runs per slot over its own KV cache, and
// each slot's logits are bitwise what it would get alone.
#include <vector>

#include "slot.hpp"

namespace bitnet::server {

void decode_step(std::span<Slot* const> slots) {
    if (slots.empty()) return;
    std::vector<model::Session*> sessions;
    std::vector<int32_t> ids;
    sessions.reserve(slots.size());
    ids.reserve(slots.size());
    for (Slot* s : slots) {
        sessions.push_back(&s->session);
        ids.push_back(s->pending);
    }
    model::Session::decode_batch(sessions, ids);
    for (Slot* s : slots) s->logits = s->session.logits();
}

}  // namespace bitnet::server
