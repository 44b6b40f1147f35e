// SPDX-License-Identifier: MIT
// Streaming read loops, one per vector width, chosen by the CPU's usable
// features. Each folds every loaded vector into an XOR so the loads cannot be
// optimised away, and returns the fold.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitnet::bench {

using ReadFn = uint64_t (*)(const uint8_t* data, size_t bytes);

struct ReadLoop {
    const char* name;
    ReadFn fn;
    size_t alignment;  // data and bytes must be multiples of this
};

// The widest loop cpu_features (BITNET_CPU_* bits, usable) permits.
ReadLoop widest_read_loop(uint64_t cpu_features);

}  // namespace bitnet::bench
