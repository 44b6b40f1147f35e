#include "bitnet/generate.hpp"

#include <chrono>

#include "bitnet/error.hpp"

namespace bitnet {
namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

GenerateResult generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                        const GenerateOptions& options, const TokenCallback& on_token) {
    GenerateResult r;
    r.prompt_ids = prompt_ids;
    if (prompt_ids.empty()) throw Error("the prompt has no tokens");
    if (session.position() + static_cast<int64_t>(prompt_ids.size()) > session.context_size())
        throw Error("prompt of " + std::to_string(prompt_ids.size()) + " tokens does not fit the context of " +
                    std::to_string(session.context_size()) + " tokens");

    sampling::Sampler sampler(options.sampling);
    for (int32_t id : prompt_ids) sampler.accept(id);
    const auto& tok = engine.tokenizer();

    auto start = std::chrono::steady_clock::now();
    auto logits = session.eval(prompt_ids);
    r.prefill_ms = ms_since(start);
    if (options.keep_first_logits) r.first_logits.assign(logits.begin(), logits.end());

    auto decode_start = std::chrono::steady_clock::now();
    const int64_t limit = options.n_predict < 0 ? session.context_size() : options.n_predict;
    for (int64_t i = 0; i < limit; ++i) {
        int32_t id = sampler.sample(logits);
        sampler.accept(id);
        if (i == 0) r.first_token_ms = ms_since(start);
        if (!options.ignore_eos && tok.is_end_of_generation(id)) {
            r.stopped_at_eos = true;
            break;
        }
        r.generated.push_back(id);
        if (on_token && !on_token(id)) break;
        if (i + 1 == limit || session.position() >= session.context_size()) break;
        if (i == 0) decode_start = std::chrono::steady_clock::now();
        int32_t one[1] = {id};
        logits = session.eval(one);
    }
    if (r.generated.size() > 1) r.decode_ms = ms_since(decode_start);
    return r;
}

}  // namespace bitnet
