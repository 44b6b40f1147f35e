// SPDX-License-Identifier: MIT
// Server counters and gauges, rendered in the Prometheus text format.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

namespace bitnet::server {

class Metrics {
public:
    void count_request();                  // any HTTP request read
    void count_error();                    // a 4xx or 5xx answer
    void count_cancelled();                // a generation whose client went away
    void count_tokens(int64_t prompt, int64_t generated, double decode_seconds);
    void set_load(int64_t queued, int64_t active);
    std::string render() const;            // text/plain; version=0.0.4

private:
    mutable std::mutex mu_;
    int64_t requests_{0}, errors_{0}, cancelled_{0}, completions_{0};
    int64_t prompt_tokens_{0}, generated_tokens_{0};
    double decode_seconds_{0};
    int64_t queued_{0}, active_{0};
};

}  // namespace bitnet::server
