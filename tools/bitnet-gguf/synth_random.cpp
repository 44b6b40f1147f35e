// SPDX-License-Identifier: MIT
#include "synth_random.hpp"

#include <cmath>
#include <numbers>

namespace bitnet::gguf_tool {

SynthRandom::SynthRandom(uint64_t seed, uint64_t stream) {
    std::seed_seq seq{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32),
                      static_cast<uint32_t>(stream), static_cast<uint32_t>(stream >> 32)};
    rng_.seed(seq);
}

double SynthRandom::uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

double SynthRandom::normal() {
    if (has_spare_) {
        has_spare_ = false;
        return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    spare_ = r * std::sin(2.0 * std::numbers::pi * u2);
    has_spare_ = true;
    return r * std::cos(2.0 * std::numbers::pi * u2);
}

void SynthRandom::ternary(int8_t* out, size_t n) {
    // Each 64-bit draw gives 32 two-bit values; rejecting 3 leaves 0, 1, 2 equally likely.
    size_t i = 0;
    while (i < n) {
        uint64_t bits = rng_();
        // Branch-free: always store, advance only past a kept value (3 is overwritten).
        for (int k = 0; k < 32 && i < n; ++k, bits >>= 2) {
            const int v = static_cast<int>(bits & 3);
            out[i] = static_cast<int8_t>(v - 1);
            i += v != 3;
        }
    }
}

}  // namespace bitnet::gguf_tool
