// SPDX-License-Identifier: MIT
// Filled, cache-defeating buffers for the kernel benchmarks. Every byte is
// written before timing (untouched pages all map the zero page and would report
// absurd bandwidth), and weights come as many copies cycled through so that one
// iteration never finds the previous one's weights in cache.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace bitnet::bench {

// A 64-byte aligned heap block filled with pseudo-random bytes.
class FilledBuffer {
public:
    FilledBuffer() = default;
    explicit FilledBuffer(size_t bytes, uint64_t seed);
    std::byte* data() const { return data_.get(); }
    size_t size() const { return size_; }

private:
    struct Free {
        void operator()(std::byte* p) const;
    };
    std::unique_ptr<std::byte, Free> data_;
    size_t size_{0};
};

enum class WeightKind { kI2s, kF16, kI8, kQ8_0, kQ6_K };

// Copies of one [rows x k] weight, `stride` bytes apart, together at least the
// pool size (BITNET_BENCH_POOL_MB, default 1024). I2S copies are random valid
// codes (0..2), I8 random bytes, F16 random finite normal halves.
struct WeightCopies {
    FilledBuffer storage;
    size_t bytes{0};   // one copy
    size_t stride{0};  // bytes rounded up to a page
    size_t copies{0};
    const std::byte* copy(size_t i) const { return storage.data() + (i % copies) * stride; }
};

// The copies for this shape. Only the most recent shape is kept, so benchmarks
// of one shape should run back to back.
const WeightCopies& weight_copies(WeightKind kind, int64_t rows, int64_t k);

size_t pool_bytes();

}  // namespace bitnet::bench
