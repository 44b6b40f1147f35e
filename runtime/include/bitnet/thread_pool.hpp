// SPDX-License-Identifier: MIT
// A fixed pool of worker threads that splits a range of rows into one contiguous
// chunk per thread. Chunks depend only on (n, grain, thread count) and every row is
// computed whole by one thread, so results are bitwise identical at any count.
// Workers spin briefly between jobs (ops come back to back) before sleeping.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace bitnet {

class ThreadPool {
public:
    using RangeFn = std::function<void(int64_t begin, int64_t end)>;

    // n_threads counts the calling thread, which takes the first chunk.
    explicit ThreadPool(unsigned n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    unsigned size() const { return n_threads_; }

    // Calls fn on disjoint chunks covering [0, n); chunk boundaries are multiples
    // of grain. Returns when every chunk is done. Not re-entrant.
    void parallel_for(int64_t n, int64_t grain, const RangeFn& fn);

private:
    void worker_loop(unsigned index);
    void run_chunk(unsigned index);

    unsigned n_threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::atomic<uint64_t> generation_{0};
    std::atomic<unsigned> pending_{0};
    std::atomic<unsigned> sleeping_{0};
    std::atomic<bool> stop_{false};
    const RangeFn* fn_{nullptr};
    int64_t n_{0};
    int64_t grain_{1};
};

}  // namespace bitnet
