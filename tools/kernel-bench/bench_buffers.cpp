// SPDX-License-Identifier: MIT
#include "bench_buffers.hpp"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace bitnet::bench {
namespace {

constexpr size_t kPage = 4096;

// xorshift64*: fast enough to fill a gigabyte in well under a second.
struct Random {
    uint64_t state;
    uint64_t next() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        return state * 0x2545F4914F6CDD1Dull;
    }
};

// Four halves with |v| in [2^-6, 2^4): sign, exponent 9..24 clipped to 18, mantissa.
uint64_t four_f16(Random& rng) {
    uint64_t bits = rng.next();
    uint64_t out = 0;
    for (int i = 0; i < 4; ++i) {
        const uint64_t h = (bits >> (16 * i)) & 0xFFFF;
        const uint64_t exponent = 9 + ((h >> 10) & 0x7) + ((h >> 13) & 0x1) * 2;  // 9..18
        out |= ((h & 0x8000) | (exponent << 10) | (h & 0x3FF)) << (16 * i);
    }
    return out;
}

}  // namespace

void FilledBuffer::Free::operator()(std::byte* p) const {
    std::free(p);
}

FilledBuffer::FilledBuffer(size_t bytes, uint64_t seed) : size_(bytes) {
    const size_t rounded = (bytes + kPage - 1) / kPage * kPage;
    data_.reset(static_cast<std::byte*>(std::aligned_alloc(kPage, rounded)));
    if (!data_)
        throw std::bad_alloc();
    Random rng{seed | 1};
    for (size_t i = 0; i < rounded; i += 8) {
        const uint64_t v = rng.next();
        std::memcpy(data_.get() + i, &v, 8);
    }
}

size_t pool_bytes() {
    const char* env = std::getenv("BITNET_BENCH_POOL_MB");
    const size_t mb = env ? std::strtoull(env, nullptr, 10) : 1024;
    return (mb ? mb : 1) << 20;
}

const WeightCopies& weight_copies(WeightKind kind, int64_t rows, int64_t k) {
    static WeightKind cached_kind{};
    static int64_t cached_rows = -1, cached_k = -1;
    static WeightCopies cached;
    if (kind == cached_kind && rows == cached_rows && k == cached_k)
        return cached;
    cached = WeightCopies{};  // free the previous shape first
    WeightCopies w;
    w.bytes = static_cast<size_t>(kind == WeightKind::kI2s   ? rows * k / 4
                                  : kind == WeightKind::kI8  ? rows * k
                                  : kind == WeightKind::kQ8_0 ? rows * k / 32 * 34
                                  : kind == WeightKind::kQ6_K ? rows * k / 256 * 210
                                                             : rows * k * 2);
    w.stride = (w.bytes + kPage - 1) / kPage * kPage;
    w.copies = (pool_bytes() + w.stride - 1) / w.stride;
    w.storage = FilledBuffer(w.copies * w.stride, 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(rows * k));
    if (kind == WeightKind::kI2s) {
        // Valid files hold codes 0..2 only, and kernels may take a slower exact
        // path for code 3: turn every 3 into 1 (clear the high bit of the pair).
        for (size_t i = 0; i + 8 <= w.storage.size(); i += 8) {
            uint64_t v;
            std::memcpy(&v, w.storage.data() + i, 8);
            const uint64_t threes = v & (v >> 1) & 0x5555555555555555ull;
            v &= ~(threes << 1);
            std::memcpy(w.storage.data() + i, &v, 8);
        }
    }
    if (kind == WeightKind::kF16) {
        Random rng{static_cast<uint64_t>(rows) * 7919 + 1};
        for (size_t i = 0; i + 8 <= w.storage.size(); i += 8) {
            const uint64_t v = four_f16(rng);
            std::memcpy(w.storage.data() + i, &v, 8);
        }
    }
    cached = std::move(w);
    cached_kind = kind;
    cached_rows = rows;
    cached_k = k;
    return cached;
}

}  // namespace bitnet::bench
