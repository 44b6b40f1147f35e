// SPDX-License-Identifier: MIT
// What the connections share: options, metrics, the scheduler once the model is
// loaded, and the drain state.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "metrics.hpp"
#include "scheduler.hpp"
#include "server_options.hpp"

namespace bitnet::server {

struct ServerState {
    explicit ServerState(const ServerOptions& o) : options(o) {}
    const ServerOptions& options;
    Metrics metrics;
    std::string model_name;                     // the model file's name, as /v1/models lists it
    int64_t created{0};                         // Unix seconds the server started
    std::atomic<Scheduler*> scheduler{nullptr};  // set once the model is loaded
    std::atomic<bool> draining{false};
    std::atomic<int64_t> in_flight{0};          // generations whose answer is not yet fully written
    std::atomic<uint64_t> next_id{0};
};

}  // namespace bitnet::server
