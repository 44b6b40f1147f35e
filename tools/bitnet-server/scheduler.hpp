// SPDX-License-Identifier: MIT
// The scheduler owns the engine: requests queue; each step it admits queued
// requests into free slots (the prompt evaluated as one batch), then advances
// every active slot by one token through decode_step(); finished slots leave.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "job.hpp"
#include "metrics.hpp"
#include "slot.hpp"

namespace bitnet::server {

struct SchedulerOptions {
    int parallel{1};
    int64_t ctx_size{0};
    size_t max_queue{64};
    std::string receipt_dir;
};

class Scheduler {
public:
    Scheduler(Engine& engine, const SchedulerOptions& options, Metrics& metrics);

    enum class Admission { Queued, QueueFull, Draining };
    // Any thread. The job's callbacks run later on the scheduler thread.
    Admission submit(std::shared_ptr<Job> job);

    // The scheduler thread's loop; returns once drain() was called and every
    // queued and running job finished (or the drain deadline cancelled them).
    void run();

    // Any thread, idempotent: refuse new jobs, finish the others within timeout.
    void drain(std::chrono::seconds timeout);

private:
    void start(Slot& slot, std::shared_ptr<Job> job);
    void advance(Slot& slot);
    void finish(Slot& slot, int status = 200, const std::string& error = {});
    void write_receipt(const Slot& slot);
    int64_t active() const;

    Engine& engine_;
    SchedulerOptions options_;
    Metrics& metrics_;
    std::vector<std::unique_ptr<Slot>> slots_;
    uint64_t receipts_{0};

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<Job>> queue_;
    bool draining_{false};
    std::chrono::steady_clock::time_point drain_deadline_;
};

}  // namespace bitnet::server
