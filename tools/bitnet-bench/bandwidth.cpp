// SPDX-License-Identifier: MIT
#include "bandwidth.hpp"

#include <algorithm>
#include <barrier>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "bandwidth_read.hpp"
#include "bitnet/cpu_features.hpp"
#include "bitnet/error.hpp"
#include "stats.hpp"

namespace bitnet::bench {
namespace {

constexpr uint64_t kPage = 4096;

struct FreeDeleter {
    void operator()(uint8_t* p) const { std::free(p); }
};

uint64_t round_up(uint64_t n, uint64_t to) { return (n + to - 1) / to * to; }

}  // namespace

BandwidthResult measure_read_bandwidth(const BandwidthOptions& options) {
    using Clock = std::chrono::steady_clock;
    const unsigned n_threads = std::max(1u, options.threads);
    const ReadLoop loop = widest_read_loop(kernels::detect_cpu().usable);
    // Whole chunks of whole pages per thread: no two threads share a page and
    // every chunk is aligned for the widest load.
    const uint64_t chunk = round_up(std::max<uint64_t>(options.chunk_bytes, kPage), kPage);
    const uint64_t n_chunks = std::max<uint64_t>(1, round_up(options.bytes / n_threads, chunk) / chunk);
    const uint64_t slice = n_chunks * chunk;
    const uint64_t total = slice * n_threads;
    std::unique_ptr<uint8_t, FreeDeleter> buffer(static_cast<uint8_t*>(std::aligned_alloc(kPage, total)));
    if (!buffer) throw Error("cannot allocate " + std::to_string(total >> 20) + " MiB for the bandwidth probe");

    const int passes = std::max(1, options.passes);
    std::barrier sync(static_cast<std::ptrdiff_t>(n_threads));
    std::vector<uint64_t> folds(n_threads);
    std::vector<double> chunk_seconds, pass_seconds;
    auto body = [&](unsigned index) {
        uint8_t* mine = buffer.get() + index * slice;
        // Written by the thread that reads it (first touch places the pages on
        // its memory node) and never zero, so every page is real.
        std::memset(mine, 0x5a + static_cast<int>(index), slice);
        uint64_t fold = 0;
        for (int pass = -1; pass < passes; ++pass) {
            const auto pass_start = Clock::now();
            for (uint64_t c = 0; c < n_chunks; ++c) {
                sync.arrive_and_wait();
                const auto start = Clock::now();
                fold ^= loop.fn(mine + c * chunk, chunk);
                sync.arrive_and_wait();
                if (index == 0 && pass >= 0)
                    chunk_seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
            }
            if (index == 0 && pass >= 0)
                pass_seconds.push_back(std::chrono::duration<double>(Clock::now() - pass_start).count());
        }
        folds[index] = fold;
    };
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < n_threads; ++i) workers.emplace_back(body, i);
    body(0);
    for (auto& w : workers) w.join();
    // Keep the folds observable so the reads stay.
    volatile uint64_t sink = 0;
    for (uint64_t f : folds) sink = sink ^ f;

    BandwidthResult r;
    r.threads = n_threads;
    r.bytes = total;
    r.chunk_bytes = chunk;
    r.passes = passes;
    r.loads = loop.name;
    const double fastest = *std::min_element(chunk_seconds.begin(), chunk_seconds.end());
    r.peak_gbs = static_cast<double>(chunk * n_threads) / fastest / 1e9;
    r.pass_gbs = static_cast<double>(total) / median_of(pass_seconds) / 1e9;
    return r;
}

}  // namespace bitnet::bench
