// SPDX-License-Identifier: MIT
// The environment switches that make a benchmark or baseline run repeatable:
//   BITNET_DETERMINISTIC=1  greedy sampling and a fixed seed (42 unless BITNET_SEED);
//                           bench test tokens come from that seed instead of the clock.
//   BITNET_SEED=N           the seed for sampling and for bench test tokens.
// Results do not depend on the thread count (the pool never splits a dot
// product), so determinism does not force one thread.
#pragma once

#include <cstdint>
#include <optional>

namespace bitnet::bench {

inline constexpr uint64_t kDeterministicSeed = 42;

struct Determinism {
    bool deterministic{false};   // BITNET_DETERMINISTIC is 1 (or true/yes/on)
    std::optional<uint64_t> seed;  // BITNET_SEED when set
    // The seed a run uses: BITNET_SEED, else 42 when deterministic, else fallback.
    uint64_t seed_or(uint64_t fallback) const {
        return seed ? *seed : deterministic ? kDeterministicSeed : fallback;
    }
    bool fixed_seed() const { return deterministic || seed.has_value(); }
};

// Reads both variables; throws bitnet::Error on a value that is neither empty
// nor well formed, naming the variable.
Determinism determinism_from_environment();

}  // namespace bitnet::bench
