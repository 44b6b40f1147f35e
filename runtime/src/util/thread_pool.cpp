// SPDX-License-Identifier: MIT
#include "bitnet/thread_pool.hpp"

#include <algorithm>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace bitnet {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__)
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

// About 50 microseconds of spinning: long enough to bridge consecutive ops,
// short enough not to burn a core while the user types in chat mode.
constexpr int kSpinIterations = 20000;

}  // namespace

ThreadPool::ThreadPool(unsigned n_threads) : n_threads_(std::max(1u, n_threads)) {
    workers_.reserve(n_threads_ - 1);
    for (unsigned i = 1; i < n_threads_; ++i) workers_.emplace_back([this, i] { worker_loop(i); });
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard lock(mutex_);
        stop_.store(true);
        generation_.fetch_add(1);
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
}

void ThreadPool::run_chunk(unsigned index) {
    int64_t blocks = (n_ + grain_ - 1) / grain_;
    int64_t per = blocks / n_threads_, extra = blocks % n_threads_;
    int64_t first = index * per + std::min<int64_t>(index, extra);
    int64_t count = per + (index < extra ? 1 : 0);
    int64_t begin = std::min(n_, first * grain_);
    int64_t end = std::min(n_, (first + count) * grain_);
    if (begin < end) (*fn_)(begin, end);
}

void ThreadPool::parallel_for(int64_t n, int64_t grain, const RangeFn& fn) {
    if (n <= 0) return;
    if (n_threads_ == 1 || n <= grain) {
        fn(0, n);
        return;
    }
    fn_ = &fn;
    n_ = n;
    grain_ = std::max<int64_t>(1, grain);
    pending_.store(n_threads_ - 1, std::memory_order_relaxed);
    // Workers spinning see the new generation without a syscall; only sleepers
    // need the mutex and a notify.
    generation_.fetch_add(1, std::memory_order_seq_cst);
    if (sleeping_.load(std::memory_order_seq_cst) != 0) {
        std::lock_guard lock(mutex_);
        wake_.notify_all();
    }
    run_chunk(0);
    // Yield after a short spin: on an oversubscribed machine the worker we wait
    // for may need this core.
    for (int spins = 0; pending_.load(std::memory_order_acquire) != 0; ++spins) {
        if (spins < kSpinIterations / 10)
            cpu_relax();
        else
            std::this_thread::yield();
    }
    fn_ = nullptr;
}

void ThreadPool::worker_loop(unsigned index) {
    uint64_t seen = 0;
    for (;;) {
        int spins = 0;
        while (generation_.load(std::memory_order_acquire) == seen && spins < kSpinIterations) {
            cpu_relax();
            ++spins;
        }
        if (generation_.load(std::memory_order_acquire) == seen) {
            std::unique_lock lock(mutex_);
            sleeping_.fetch_add(1, std::memory_order_seq_cst);
            wake_.wait(lock, [&] { return generation_.load(std::memory_order_seq_cst) != seen; });
            sleeping_.fetch_sub(1, std::memory_order_seq_cst);
        }
        seen = generation_.load(std::memory_order_acquire);
        if (stop_.load()) return;
        run_chunk(index);
        pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
}

}  // namespace bitnet
