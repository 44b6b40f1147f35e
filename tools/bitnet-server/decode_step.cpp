// SPDX-License-Identifier: MIT
// The seam for batched decoding: today each slot's session is evaluated in
// turn; a batched forward (one GEMM over all active sequences) replaces only
// this body.
#include "slot.hpp"

namespace bitnet::server {

void decode_step(std::span<Slot* const> slots) {
    for (Slot* s : slots) {
        const int32_t one[1] = {s->pending};
        s->logits = s->session.eval(one);
    }
}

}  // namespace bitnet::server
