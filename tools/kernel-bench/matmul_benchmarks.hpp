// SPDX-License-Identifier: MIT
// Registration of the matmul benchmarks and of the bandwidth probe.
#pragma once

#include <bitnet/kernel_registry.hpp>

namespace bitnet::bench {

// One benchmark per (ternary, F16 or int8 matmul kernel that can run on this CPU,
// 2B-4T shape, token count), run with `threads` threads (the caller included).
void register_matmul_benchmarks(const kernels::Registry& registry, unsigned threads);

// Streaming read of a filled buffer, for scale: the bandwidth a GEMV can reach.
void register_read_bandwidth(unsigned threads);

}  // namespace bitnet::bench
