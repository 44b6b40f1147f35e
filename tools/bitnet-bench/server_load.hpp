// SPDX-License-Identifier: MIT
// `bitnet-bench server`: a load test of a running OpenAI-compatible server
// (bitnet-server, or llama.cpp's llama-server for comparison). N client
// threads each send streamed /v1/completions requests, one at a time, until a
// bounded total is done; per request it records the time to the first streamed
// token, the whole latency and the tokens received.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bitnet::bench {

struct ServerLoadOptions {
    std::string host{"127.0.0.1"};
    uint16_t port{8080};
    std::string api_key;           // sent as a Bearer token when not empty
    int clients{4};
    int requests{16};              // in all, shared by the clients
    int max_tokens{128};
    std::vector<std::string> prompts{"Once upon a time"};  // request i uses prompts[i % size]
    double temperature{0};
    uint64_t seed{42};
};

struct RequestTiming {
    double ttft_ms{0};       // request sent -> first token event
    double latency_ms{0};    // request sent -> [DONE]
    int tokens{0};           // token events received
    int client{0};
    double start_s{0}, end_s{0};  // since the load started
};

struct ServerLoadResult {
    double wall_s{0};
    std::vector<RequestTiming> requests;
    int errors{0};
    std::string first_error;
};

// Runs the load; connection or protocol failures count as errors (the first is
// kept), they do not throw.
ServerLoadResult run_server_load(const ServerLoadOptions& options);

}  // namespace bitnet::bench
