// SPDX-License-Identifier: MIT
#include "bitnet/token_step.hpp"

namespace bitnet {

TokenStep::TokenStep(const tokenizer::Tokenizer& tok, const GenerateOptions& options,
                     std::span<const int32_t> prompt_ids, int64_t limit)
    : tok_(tok),
      ignore_eos_(options.ignore_eos),
      sampler_(options.sampling),
      stops_(options.stop_strings),
      stop_ids_(options.stop_ids),
      limit_(limit) {
    for (int32_t id : prompt_ids) sampler_.accept(id);
    if (limit_ <= 0) done_ = true;
}

TokenStep::Result TokenStep::next(std::span<const float> logits, bool context_left) {
    Result r;
    r.id = sampler_.sample(logits);
    sampler_.accept(r.id);
    ++steps_;
    if (stop_ids_.contains(r.id) || (!ignore_eos_ && tok_.is_end_of_generation(r.id))) {
        stop_ = stop_ids_.contains(r.id) ? StopReason::StopId : StopReason::EndOfGeneration;
        stop_id_ = r.id;
        done_ = true;
        return r;
    }
    generated_.push_back(r.id);
    auto step = stops_.feed(tok_.token_to_piece(r.id));
    r.text = std::move(step.emit);
    if (step.stopped) {
        stop_ = StopReason::StopString;
        done_ = true;
    } else if (steps_ >= limit_) {
        stop_ = StopReason::Length;
        done_ = true;
    } else if (!context_left) {
        stop_ = StopReason::Context;
        done_ = true;
    }
    return r;
}

void TokenStep::cancel() {
    stop_ = StopReason::Caller;
    done_ = true;
}

std::string TokenStep::flush() { return stops_.stopped() ? std::string() : stops_.flush(); }

}  // namespace bitnet
