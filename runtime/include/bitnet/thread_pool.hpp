// SPDX-License-Identifier: MIT
// A fixed pool of worker threads that splits a range of rows into chunks the
// threads claim as they go (one long even claim each, then a guided tail).
// Which thread gets which rows varies from run to run, but every row is computed
// whole by one thread and a kernel's row does not depend on the range it came
// in, so results are bitwise identical at any count and in any run.
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

    // Calls fn on disjoint chunks covering [0, n), on any threads; chunk
    // boundaries are multiples of grain. Returns when every chunk is done. Not re-entrant.
    void parallel_for(int64_t n, int64_t grain, const RangeFn& fn);

private:
    void worker_loop();
    void run_claims();

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
    std::atomic<int64_t> next_block_{0};
};

}  // namespace bitnet
