// SPDX-License-Identifier: MIT
// Compute probe: int8 multiply-accumulate throughput per thread, the ceiling a
// prefill GEMM's arithmetic is bound by. A plain C++ dot product over two
// int8 vectors that stay in L1, which the compiler vectorizes for whatever ISA
// the tool is built for; so it measures what the machine gives right now (load,
// frequency, stolen time), not the best any kernel could reach.
//
// Like the bandwidth probe, rounds run on all threads between two barriers and
// the median round is taken: a round that lost the CPU to another process is
// part of the state being measured, but one outlier does not decide it.
#pragma once

#include <cstdint>

namespace bitnet::bench {

struct ComputeProbeOptions {
    unsigned threads{1};
    int rounds{9};  // timed rounds after one untimed; each ~20-30 ms on one core
};

struct ComputeProbeResult {
    unsigned threads{0};
    int rounds{0};
    uint64_t macs_per_round{0};   // per thread
    double gmacs_per_thread{0};   // median round, 1e9 multiply-accumulates per second
    double fastest_gmacs_per_thread{0};
};

// Runs `threads` threads, each on its own buffers; takes ~0.2-0.5 s.
ComputeProbeResult measure_int8_compute(const ComputeProbeOptions& options);

}  // namespace bitnet::bench
