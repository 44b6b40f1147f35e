// SPDX-License-Identifier: MIT
#include "compute_probe.hpp"

#include <algorithm>
#include <array>
#include <barrier>
#include <chrono>
#include <thread>
#include <vector>

#include "stats.hpp"

namespace bitnet::bench {
namespace {

// 2 x 8 KiB: both vectors stay in L1 on any CPU this runs on.
constexpr size_t kLength = 8192;
constexpr int kDotsPerRound = 6000;

struct alignas(64) Vectors {
    std::array<int8_t, kLength> a;
    std::array<int8_t, kLength> b;
};

// The loop the probe times: int8 x int8 products summed in int32.
int32_t dot_i8(const int8_t* a, const int8_t* b) {
    int32_t sum = 0;
    for (size_t i = 0; i < kLength; ++i) sum += static_cast<int32_t>(a[i]) * static_cast<int32_t>(b[i]);
    return sum;
}

// One round: every dot writes one element of a, so no dot can be hoisted out
// of the loop or folded with the next.
int32_t round_of_dots(Vectors& v) {
    int32_t fold = 0;
    for (int d = 0; d < kDotsPerRound; ++d) {
        const int32_t s = dot_i8(v.a.data(), v.b.data());
        fold ^= s;
        v.a[static_cast<size_t>(d) % kLength] = static_cast<int8_t>(s);
    }
    return fold;
}

}  // namespace

ComputeProbeResult measure_int8_compute(const ComputeProbeOptions& options) {
    using Clock = std::chrono::steady_clock;
    const unsigned n_threads = std::max(1u, options.threads);
    const int rounds = std::max(1, options.rounds);
    std::barrier sync(static_cast<std::ptrdiff_t>(n_threads));
    std::vector<int32_t> folds(n_threads);
    std::vector<double> round_seconds;
    auto body = [&](unsigned index) {
        Vectors v;
        for (size_t i = 0; i < kLength; ++i) {
            v.a[i] = static_cast<int8_t>((i * 7 + index) % 255 - 127);
            v.b[i] = static_cast<int8_t>((i * 13 + 5) % 255 - 127);
        }
        int32_t fold = 0;
        for (int r = -1; r < rounds; ++r) {
            sync.arrive_and_wait();
            const auto start = Clock::now();
            fold ^= round_of_dots(v);
            sync.arrive_and_wait();
            if (index == 0 && r >= 0)
                round_seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        }
        folds[index] = fold;
    };
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < n_threads; ++i) workers.emplace_back(body, i);
    body(0);
    for (auto& w : workers) w.join();
    volatile int32_t sink = 0;
    for (int32_t f : folds) sink = sink ^ f;

    ComputeProbeResult r;
    r.threads = n_threads;
    r.rounds = rounds;
    r.macs_per_round = uint64_t{kLength} * kDotsPerRound;
    r.gmacs_per_thread = static_cast<double>(r.macs_per_round) / median_of(round_seconds) / 1e9;
    r.fastest_gmacs_per_thread =
        static_cast<double>(r.macs_per_round) / *std::min_element(round_seconds.begin(), round_seconds.end()) / 1e9;
    return r;
}

}  // namespace bitnet::bench
