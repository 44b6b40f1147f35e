// SPDX-License-Identifier: MIT
#include "perf_tests.hpp"

#include <algorithm>
#include <chrono>
#include <span>

#include "argmax.hpp"
#include "bitnet/error.hpp"
#include "bitnet/session.hpp"

namespace bitnet::bench {
namespace {

// One repetition; returns its timed seconds.
double run_once(std::span<model::Session* const> sessions, const PerfTest& test, TokenSource& tokens) {
    using Clock = std::chrono::steady_clock;
    model::Session& session = *sessions[0];
    for (auto* s : sessions) s->reset();
    if (test.kind == PerfTest::Kind::Prompt) {
        const auto ids = tokens.draw(test.n);
        const auto start = Clock::now();
        session.eval(ids);
        return std::chrono::duration<double>(Clock::now() - start).count();
    }
    if (test.batch == 1) {
        const auto first = tokens.draw(1);
        int32_t id = argmax(session.eval(first));
        const auto start = Clock::now();
        for (int i = 0; i < test.n; ++i) {
            const int32_t one[1] = {id};
            id = argmax(session.eval(one));
        }
        return std::chrono::duration<double>(Clock::now() - start).count();
    }
    const auto batch = sessions.first(static_cast<size_t>(test.batch));
    std::vector<int32_t> ids;
    for (auto* s : batch) ids.push_back(argmax(s->eval(tokens.draw(1))));
    const auto start = Clock::now();
    for (int i = 0; i < test.n; ++i) {
        model::Session::decode_batch(batch, ids);
        for (size_t b = 0; b < batch.size(); ++b) ids[b] = argmax(batch[b]->logits());
    }
    return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

std::vector<int32_t> TokenSource::draw(int n) {
    std::vector<int32_t> ids(static_cast<size_t>(n));
    for (auto& id : ids) id = dist_(engine_);
    return ids;
}

PerfResult run_perf_test(std::span<model::Session* const> sessions, const PerfTest& test, int repetitions,
                         TokenSource& tokens) {
    if (test.n <= 0 || test.batch <= 0) throw Error("test " + test.name() + ": the token count must be positive");
    if (sessions.size() < static_cast<size_t>(test.batch))
        throw Error("test " + test.name() + " needs " + std::to_string(test.batch) + " sessions");
    for (const auto* session : sessions)
        if (test.context() > session->context_size())
            throw Error("test " + test.name() + " needs " + std::to_string(test.context()) +
                        " context positions but the session has " + std::to_string(session->context_size()));
    PerfResult r;
    r.test = test;
    run_once(sessions, test, tokens);  // warm-up
    for (int i = 0; i < repetitions; ++i) {
        const double s = run_once(sessions, test, tokens);
        r.seconds.push_back(s);
        r.tok_per_s.push_back(s > 0 ? test.tokens() / s : 0.0);
    }
    r.rate = summarize(r.tok_per_s);
    return r;
}

}  // namespace bitnet::bench
