// SPDX-License-Identifier: MIT
#include "metrics.hpp"

#include <sstream>

namespace bitnet::server {

void Metrics::count_request() {
    std::lock_guard lk(mu_);
    ++requests_;
}

void Metrics::count_error() {
    std::lock_guard lk(mu_);
    ++errors_;
}

void Metrics::count_cancelled() {
    std::lock_guard lk(mu_);
    ++cancelled_;
}

void Metrics::count_tokens(int64_t prompt, int64_t generated, double decode_seconds) {
    std::lock_guard lk(mu_);
    ++completions_;
    prompt_tokens_ += prompt;
    generated_tokens_ += generated;
    decode_seconds_ += decode_seconds;
}

void Metrics::set_load(int64_t queued, int64_t active) {
    std::lock_guard lk(mu_);
    queued_ = queued;
    active_ = active;
}

std::string Metrics::render() const {
    std::lock_guard lk(mu_);
    std::ostringstream o;
    auto metric = [&](const char* name, const char* type, const char* help, auto value) {
        o << "# HELP " << name << " " << help << "\n# TYPE " << name << " " << type << "\n" << name << " " << value << "\n";
    };
    metric("bitnet_requests_total", "counter", "HTTP requests read", requests_);
    metric("bitnet_request_errors_total", "counter", "requests answered with a 4xx or 5xx status", errors_);
    metric("bitnet_completions_total", "counter", "generations finished", completions_);
    metric("bitnet_completions_cancelled_total", "counter", "generations ended because the client went away", cancelled_);
    metric("bitnet_prompt_tokens_total", "counter", "prompt tokens evaluated", prompt_tokens_);
    metric("bitnet_generated_tokens_total", "counter", "tokens generated", generated_tokens_);
    metric("bitnet_queue_depth", "gauge", "requests waiting for a slot", queued_);
    metric("bitnet_active_slots", "gauge", "slots generating", active_);
    metric("bitnet_decode_tokens_per_second", "gauge", "generated tokens per second of decoding, over all finished requests",
           decode_seconds_ > 0 ? double(generated_tokens_) / decode_seconds_ : 0.0);
    return o.str();
}

}  // namespace bitnet::server
