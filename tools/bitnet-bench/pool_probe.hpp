// SPDX-License-Identifier: MIT
// Probes that run through the engine's own thread pool, in slices between the
// tokens of a baseline repetition (probed_generation.hpp), so they sample the
// machine in the same moments the run does, neighbours' bursts included.
//
// Why not only the standalone probes (machine_probes.hpp): they start their own
// threads and meet at a barrier every few milliseconds, so when a neighbour
// takes a core they lose a third of their speed while the pool, which hands off
// hundreds of times per token, loses two thirds. These hand off as often as a
// decode token does: a read slice gives each tensor (or piece of one) of the
// model file to the pool as one job, streaming the bytes decode streams, and a
// compute slice is a few dozen int8 jobs of a projection's size.
#pragma once

#include <cstdint>
#include <vector>

#include "bitnet/gguf.hpp"
#include "bitnet/thread_pool.hpp"
#include "machine_probes.hpp"

namespace bitnet::bench {

class PoolProbe {
public:
    // Reads the tensors of `file` (mapped or copied) with `pool`'s threads;
    // `cpu_features` (BITNET_CPU_* usable bits) picks the widest read loop.
    PoolProbe(ThreadPool& pool, const gguf::GgufFile& file, uint64_t cpu_features);

    // One read slice (an eighth of the tensors' bytes, from where the last
    // slice stopped) and one compute slice: ~10-20% of a 2B-4T decode token.
    void slice();
    // What the slices since the last take measured; throws bitnet::Error when
    // there were none.
    PoolProbeSample take();

private:
    struct Extent {
        const uint8_t* data;
        uint64_t bytes;
    };
    void read_slice();
    void compute_slice();
    int32_t compute_jobs(int jobs);

    ThreadPool& pool_;
    uint64_t cpu_features_;
    std::vector<Extent> extents_;  // every tensor, trimmed to whole vectors
    uint64_t slice_bytes_{0};
    size_t cursor_extent_{0};
    uint64_t cursor_offset_{0};
    double read_seconds_{0}, compute_seconds_{0};
    uint64_t read_bytes_{0}, macs_{0};
    uint64_t fold_{0};
};

}  // namespace bitnet::bench
