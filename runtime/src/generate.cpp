// SPDX-License-Identifier: MIT
#include "bitnet/generate.hpp"

#include <algorithm>
#include <chrono>

#include "bitnet/error.hpp"
#include "bitnet/token_step.hpp"

namespace bitnet {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

const char* stop_reason_name(StopReason r) {
    switch (r) {
        case StopReason::Length: return "length";
        case StopReason::EndOfGeneration: return "end_of_generation";
        case StopReason::StopId: return "stop_id";
        case StopReason::StopString: return "stop_string";
        case StopReason::Context: return "context_full";
        case StopReason::Caller: return "caller";
    }
    return "unknown";
}

GenerateResult generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                        const GenerateOptions& options, const TextCallback& on_text) {
    GenerateResult r;
    r.prompt_ids = prompt_ids;
    if (prompt_ids.empty()) throw Error("the prompt has no tokens");
    if (session.position() + static_cast<int64_t>(prompt_ids.size()) > session.context_size())
        throw Error("prompt of " + std::to_string(prompt_ids.size()) + " tokens does not fit the context of " +
                    std::to_string(session.context_size()) + " tokens" +
                    (session.position() ? " (" + std::to_string(session.position()) + " already used)" : ""));

    const auto& tok = engine.tokenizer();
    const int64_t limit = options.n_predict < 0 ? session.context_size() : options.n_predict;
    TokenStep step(tok, options, prompt_ids, limit);
    auto emit = [&](std::string_view text) { return text.empty() || !on_text || on_text(text); };

    auto start = std::chrono::steady_clock::now();
    auto logits = session.eval(prompt_ids);
    r.prefill_ms = ms_since(start);
    if (options.keep_first_logits) r.first_logits.assign(logits.begin(), logits.end());

    auto decode_start = start;
    while (!step.done()) {
        auto next = step.next(logits, session.position() < session.context_size());
        if (step.steps() == 1) r.first_token_ms = ms_since(start);
        if (!emit(next.text)) step.cancel();
        if (step.done()) break;
        if (step.steps() == 1) decode_start = std::chrono::steady_clock::now();
        int32_t one[1] = {next.id};
        logits = session.eval(one);
    }
    emit(step.flush());
    r.generated = step.generated();
    r.stop = step.stop();
    r.stop_id = step.stop_id();
    if (r.generated.size() > 1) r.decode_ms = ms_since(decode_start);
    return r;
}

}  // namespace bitnet
