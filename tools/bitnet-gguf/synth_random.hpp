// SPDX-License-Identifier: MIT
// Seeded randomness for synthetic models. Built only on std::mt19937_64 and
// std::seed_seq, whose outputs the standard fixes, so a seed gives the same file
// with any standard library (the distributions of <random> are not so fixed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>

namespace bitnet::gguf_tool {

class SynthRandom {
public:
    // One independent stream per (seed, stream), e.g. one per tensor.
    SynthRandom(uint64_t seed, uint64_t stream);

    double uniform();  // [0, 1)
    double normal();   // standard normal (Box-Muller)
    // n weights, each -1, 0 or +1 with probability exactly 1/3.
    void ternary(int8_t* out, size_t n);

private:
    std::mt19937_64 rng_;
    bool has_spare_{false};
    double spare_{0};
};

}  // namespace bitnet::gguf_tool
