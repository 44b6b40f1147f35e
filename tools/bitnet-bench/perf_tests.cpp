// SPDX-License-Identifier: MIT
#include "perf_tests.hpp"

#include <algorithm>
#include <chrono>
#include <span>

#include "bitnet/error.hpp"
#include "bitnet/session.hpp"

namespace bitnet::bench {
namespace {

int32_t argmax(std::span<const float> logits) {
    return static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

// One repetition; returns its timed seconds.
double run_once(model::Session& session, const PerfTest& test, TokenSource& tokens) {
    using Clock = std::chrono::steady_clock;
    session.reset();
    if (test.kind == PerfTest::Kind::Prompt) {
        const auto ids = tokens.draw(test.n);
        const auto start = Clock::now();
        session.eval(ids);
        return std::chrono::duration<double>(Clock::now() - start).count();
    }
    const auto first = tokens.draw(1);
    int32_t id = argmax(session.eval(first));
    const auto start = Clock::now();
    for (int i = 0; i < test.n; ++i) {
        const int32_t one[1] = {id};
        id = argmax(session.eval(one));
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::vector<int32_t> TokenSource::draw(int n) {
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (auto& id : ids) id = dist_(engine_);
    return ids;
}

PerfResult run_perf_test(model::Session& session, const PerfTest& test, int repetitions, TokenSource& tokens) {
    if (test.n <= 0) throw Error("test " + test.name() + ": the token count must be positive");
    if (test.context() > session.context_size())
        throw Error("test " + test.name() + " needs " + std::to_string(test.context()) +
                    " context positions but the session has " + std::to_string(session.context_size()));
    PerfResult r;
    r.test = test;
    run_once(session, test, tokens);  // warm-up
    for (int i = 0; i < repetitions; ++i) {
        const double s = run_once(session, test, tokens);
        r.seconds.push_back(s);
        r.tok_per_s.push_back(s > 0 ? test.n / s : 0.0);
    }
    r.rate = summarize(r.tok_per_s);
    return r;
}

}  // namespace bitnet::bench
