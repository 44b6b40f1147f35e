// SPDX-License-Identifier: MIT
#include "pool_probe.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>

#include "bandwidth_read.hpp"
#include "bitnet/error.hpp"

namespace bitnet::bench {
namespace {

using Clock = std::chrono::steady_clock;

// A 2B-4T decode token hands ~300 jobs to the pool over 30 layers; a compute
// slice is a tenth of that, each job giving every thread ~150 microseconds of
// work, about what one projection gets.
constexpr int kComputeJobs = 30;
constexpr int64_t kRowsPerThread = 8;
constexpr int kDotsPerRow = 16;
constexpr size_t kLength = 4096;
constexpr size_t kShifts = 64;  // a row's vectors start at row % kShifts: no dot is loop-invariant
constexpr auto kWarmUp = std::chrono::microseconds(2000);
constexpr int kReadSlicesPerPass = 8;
constexpr uint64_t kMinSliceBytes = 4 << 20;  // a tiny model's slice still takes a few hundred microseconds
constexpr uint64_t kBlock = 64 * 1024;  // one pool chunk's unit of a read job

struct alignas(64) Operands {
    std::array<int8_t, kLength + kShifts> a;
    std::array<int8_t, kLength + kShifts> b;
};

int32_t dot_i8(const int8_t* a, const int8_t* b) {
    int32_t sum = 0;
    for (size_t i = 0; i < kLength; ++i) sum += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    return sum;
}

const Operands& operands() {
    static const Operands o = [] {
        Operands v;
        for (size_t i = 0; i < v.a.size(); ++i) {
            v.a[i] = static_cast<int8_t>((i * 7) % 255 - 127);
            v.b[i] = static_cast<int8_t>((i * 13 + 5) % 255 - 127);
        }
        return v;
    }();
    return o;
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

PoolProbe::PoolProbe(ThreadPool& pool, const gguf::GgufFile& file, uint64_t cpu_features)
    : pool_(pool), cpu_features_(cpu_features) {
    const size_t align = widest_read_loop(cpu_features_).alignment;
    uint64_t total = 0;
    for (const auto& t : file.tensors()) {
        const auto begin = (reinterpret_cast<uintptr_t>(t.data) + align - 1) / align * align;
        const auto end = (reinterpret_cast<uintptr_t>(t.data) + t.n_bytes) / align * align;
        if (end <= begin) continue;
        extents_.push_back({reinterpret_cast<const uint8_t*>(begin), end - begin});
        total += end - begin;
    }
    if (extents_.empty()) throw Error("the model has no tensor data for the pool probe to read");
    slice_bytes_ = std::max<uint64_t>(total / kReadSlicesPerPass, kMinSliceBytes);
}

void PoolProbe::read_slice() {
    const ReadLoop loop = widest_read_loop(cpu_features_);
    std::atomic<uint64_t> fold{0};
    uint64_t left = slice_bytes_;
    const auto start = Clock::now();
    while (left > 0) {
        const Extent& x = extents_[cursor_extent_];
        const uint8_t* base = x.data + cursor_offset_;
        const uint64_t bytes = std::min(left, x.bytes - cursor_offset_);
        const auto blocks = static_cast<int64_t>((bytes + kBlock - 1) / kBlock);
        pool_.parallel_for(blocks, 1, [&](int64_t b, int64_t e) {
            const uint64_t from = static_cast<uint64_t>(b) * kBlock;
            const uint64_t to = std::min(bytes, static_cast<uint64_t>(e) * kBlock);
            fold.fetch_xor(loop.fn(base + from, to - from), std::memory_order_relaxed);
        });
        left -= bytes;
        read_bytes_ += bytes;
        cursor_offset_ += bytes;
        if (cursor_offset_ == x.bytes) {
            cursor_offset_ = 0;
            cursor_extent_ = (cursor_extent_ + 1) % extents_.size();
        }
    }
    read_seconds_ += seconds_since(start);
    fold_ ^= fold.load();
}

int32_t PoolProbe::compute_jobs(int jobs) {
    const Operands& v = operands();
    const int64_t rows = kRowsPerThread * pool_.size();
    std::atomic<int32_t> fold{0};
    for (int job = 0; job < jobs; ++job)
        pool_.parallel_for(rows, 1, [&](int64_t b, int64_t e) {
            int32_t f = 0;
            for (int64_t r = b; r < e; ++r) {
                const size_t shift = static_cast<size_t>(r + job) % kShifts;
                for (int d = 0; d < kDotsPerRow; ++d)
                    f ^= dot_i8(v.a.data() + shift, v.b.data() + (shift + static_cast<size_t>(d)) % kShifts);
            }
            fold.fetch_xor(f, std::memory_order_relaxed);
        });
    return fold.load();
}

void PoolProbe::compute_slice() {
    const auto start = Clock::now();
    fold_ ^= static_cast<uint32_t>(compute_jobs(kComputeJobs));
    compute_seconds_ += seconds_since(start);
    macs_ += static_cast<uint64_t>(kComputeJobs) * static_cast<uint64_t>(kRowsPerThread * pool_.size()) *
             kDotsPerRow * kLength;
}

void PoolProbe::slice() {
    // Untimed: wakes the pool's workers (and the VM's idle vCPUs) first, so a
    // kernel that leaves the cores idle between tokens does not read as a
    // slower machine; a neighbour holding a core still does.
    const auto warm_start = Clock::now();
    while (Clock::now() - warm_start < kWarmUp) fold_ ^= static_cast<uint32_t>(compute_jobs(1));
    read_slice();
    compute_slice();
}

PoolProbeSample PoolProbe::take() {
    if (read_bytes_ == 0 || macs_ == 0) throw Error("pool probe: no slice was taken");
    const PoolProbeSample s{static_cast<double>(read_bytes_) / read_seconds_ / 1e9,
                            static_cast<double>(macs_) / compute_seconds_ / 1e9};
    read_seconds_ = compute_seconds_ = 0;
    read_bytes_ = macs_ = 0;
    volatile uint64_t sink = fold_;  // keeps every read and dot observable
    (void)sink;
    return s;
}

}  // namespace bitnet::bench
