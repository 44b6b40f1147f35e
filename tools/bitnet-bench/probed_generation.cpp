// SPDX-License-Identifier: MIT
#include "probed_generation.hpp"

#include <chrono>

#include "bitnet/error.hpp"
#include "bitnet/token_step.hpp"

namespace bitnet::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

}  // namespace

ProbedGeneration probed_generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                                 const GenerateOptions& options, PoolProbe& probe) {
    if (prompt_ids.empty()) throw Error("the prompt has no tokens");
    if (options.n_predict < 0) throw Error("a baseline repetition needs n_predict >= 0");
    if (session.position() + static_cast<int64_t>(prompt_ids.size()) + options.n_predict > session.context_size())
        throw Error("prompt and n_predict do not fit the session's context");
    ProbedGeneration out;
    GenerateResult& r = out.result;
    r.prompt_ids = prompt_ids;
    TokenStep step(engine.tokenizer(), options, prompt_ids, options.n_predict);

    probe.slice();
    auto t = Clock::now();
    auto logits = session.eval(prompt_ids);
    r.prefill_ms = ms_between(t, Clock::now());
    auto next = step.next(logits, true);
    r.first_token_ms = ms_between(t, Clock::now());
    while (!step.done()) {
        probe.slice();
        t = Clock::now();
        int32_t one[1] = {next.id};
        logits = session.eval(one);
        next = step.next(logits, session.position() < session.context_size());
        r.decode_ms += ms_between(t, Clock::now());
    }
    r.generated = step.generated();
    r.stop = step.stop();
    r.stop_id = step.stop_id();
    if (r.generated.size() <= 1) r.decode_ms = 0;
    out.machine = probe.take();
    return out;
}

}  // namespace bitnet::bench
