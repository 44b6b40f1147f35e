// SPDX-License-Identifier: MIT
// The thread pool under load: many jobs back to back (workers spinning), jobs
// after pauses (workers asleep), every size against every grain, and pools made
// and destroyed in a loop. Each index must be visited exactly once per job. Run
// under TSan (build preset "tsan") this is the pool's race check.
#define BOOST_TEST_MODULE hardening_thread_pool_stress
#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "bitnet/thread_pool.hpp"

namespace {

// Runs one job and checks its coverage; returns the number of mistakes.
int run_job(bitnet::ThreadPool& pool, int64_t n, int64_t grain, std::vector<std::atomic<int>>& hits) {
    for (int64_t i = 0; i < n; ++i) hits[static_cast<size_t>(i)].store(0, std::memory_order_relaxed);
    std::atomic<int> bad_ranges{0};
    pool.parallel_for(n, grain, [&](int64_t begin, int64_t end) {
        if (begin < 0 || end > n || begin >= end || (begin % grain != 0 && begin != 0)) bad_ranges.fetch_add(1);
        for (int64_t i = begin; i < end && i < n; ++i) hits[static_cast<size_t>(i)].fetch_add(1, std::memory_order_relaxed);
    });
    int mistakes = bad_ranges.load();
    for (int64_t i = 0; i < n; ++i) mistakes += hits[static_cast<size_t>(i)].load(std::memory_order_relaxed) != 1;
    return mistakes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_index_is_visited_once_across_sizes_grains_and_thread_counts) {
    std::vector<std::atomic<int>> hits(4096);
    for (unsigned threads : {1u, 2u, 3u, 4u, 8u}) {
        bitnet::ThreadPool pool(threads);
        for (int64_t n : {1, 2, 3, 15, 16, 17, 100, 1000, 4096})
            for (int64_t grain : {1, 2, 7, 16, 64, 5000}) {
                BOOST_TEST_CONTEXT("threads " << threads << " n " << n << " grain " << grain) {
                    BOOST_TEST(run_job(pool, n, grain, hits) == 0);
                }
            }
    }
}

BOOST_AUTO_TEST_CASE(thousands_of_back_to_back_jobs_and_jobs_after_sleeping) {
    std::vector<std::atomic<int>> hits(512);
    bitnet::ThreadPool pool(4);
    int mistakes = 0;
    // Back to back: workers never get to sleep.
    for (int job = 0; job < 5000; ++job) mistakes += run_job(pool, 64 + job % 448, 1 + job % 13, hits);
    BOOST_TEST(mistakes == 0);
    // With pauses longer than the workers' spin: each job wakes sleepers.
    for (int job = 0; job < 40; ++job) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        mistakes += run_job(pool, 512, 8, hits);
    }
    BOOST_TEST(mistakes == 0);
}

BOOST_AUTO_TEST_CASE(pools_are_created_and_destroyed_in_a_loop_with_and_without_work) {
    std::vector<std::atomic<int>> hits(256);
    int mistakes = 0;
    for (int round = 0; round < 200; ++round) {
        bitnet::ThreadPool pool(1 + round % 6);
        if (round % 3 != 0) mistakes += run_job(pool, 256, 4, hits);
        // round % 3 == 0: destroyed with workers that never ran a job.
    }
    BOOST_TEST(mistakes == 0);
}

BOOST_AUTO_TEST_CASE(results_written_by_workers_are_visible_to_the_caller) {
    // Plain (non-atomic) writes in the job, read after parallel_for returns: the
    // pool's completion must order them (TSan reports a race otherwise).
    bitnet::ThreadPool pool(4);
    std::vector<int64_t> out(10000);
    for (int job = 0; job < 200; ++job) {
        pool.parallel_for(static_cast<int64_t>(out.size()), 16, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) out[static_cast<size_t>(i)] = i * job;
        });
        int64_t wrong = 0;
        for (size_t i = 0; i < out.size(); ++i) wrong += out[i] != static_cast<int64_t>(i) * job;
        BOOST_TEST(wrong == 0, "job " << job);
    }
}

BOOST_AUTO_TEST_CASE(a_slow_thread_takes_fewer_rows_than_an_even_split_gives_it) {
    // Blocks are claimed, not assigned: when a worker's blocks take 2 ms each
    // and the caller's 0.2 ms, the caller ends up with the tail too. An even
    // split gives each 32 of the 64; three quarters go out as one even claim
    // per thread (24 each) and the caller, done long before the worker, claims
    // the last 16.
    bitnet::ThreadPool pool(2);
    const auto caller = std::this_thread::get_id();
    std::atomic<int64_t> by_caller{0};
    pool.parallel_for(64, 1, [&](int64_t begin, int64_t end) {
        const bool is_caller = std::this_thread::get_id() == caller;
        if (is_caller) by_caller.fetch_add(end - begin);
        std::this_thread::sleep_for(std::chrono::microseconds((is_caller ? 200 : 2000) * (end - begin)));
    });
    BOOST_TEST(by_caller.load() >= 40);
}
