// SPDX-License-Identifier: MIT
// The sampler chain. Filters work on a candidate list (id, logit) so that each one
// only has to drop entries; probabilities are computed in double from logits
// relative to the maximum, which keeps exp() in range for any logit scale.
#include "bitnet/sampler.hpp"

#include "bitnet/error.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace bitnet::sampling {
namespace {

bool ranks_before(float a_logit, int32_t a_id, float b_logit, int32_t b_id) {
    // Ties go to the lower id so sorting, top-k and greedy agree on one order.
    return a_logit > b_logit || (a_logit == b_logit && a_id < b_id);
}

}  // namespace

Sampler::Sampler(SamplingParams params) : params_(params), engine_(params.seed) {
    if (std::isnan(params_.temperature) || std::isnan(params_.top_p) || std::isnan(params_.min_p))
        throw Error("sampling: temperature, top-p and min-p must be numbers");
    if (!(params_.repeat_penalty > 0.0f) || !std::isfinite(params_.repeat_penalty))
        throw Error("sampling: repeat penalty must be a finite number > 0, got " +
                    std::to_string(params_.repeat_penalty));
    if (!std::isfinite(params_.frequency_penalty) || !std::isfinite(params_.presence_penalty))
        throw Error("sampling: frequency and presence penalties must be finite numbers");
}

void Sampler::accept(int32_t id) {
    if (params_.repeat_last_n == 0) return;
    window_.push_back(id);
    if (params_.repeat_last_n > 0 && window_.size() > static_cast<size_t>(params_.repeat_last_n))
        window_.pop_front();
}

void Sampler::reset() {
    window_.clear();
    engine_.seed(params_.seed);
}

int32_t Sampler::sample(std::span<const float> logits) {
    if (logits.empty()) throw Error("sampling: no logits to sample from");
    candidates_.clear();
    candidates_.reserve(logits.size());
    bool any_finite = false;
    for (size_t i = 0; i < logits.size(); ++i) {
        const float l = logits[i];
        // -inf is a legitimate mask; NaN or +inf means the forward pass broke.
        if (std::isnan(l) || l == INFINITY)
            throw Error("sampling: logit of token " + std::to_string(i) + " is not finite");
        any_finite = any_finite || l != -INFINITY;
        candidates_.push_back({static_cast<int32_t>(i), l});
    }
    if (!any_finite) throw Error("sampling: every logit is -inf");
    sorted_ = false;

    apply_penalties();

    if (params_.temperature <= 0.0f) {
        const auto best = std::min_element(candidates_.begin(), candidates_.end(),
            [](const Candidate& a, const Candidate& b) { return ranks_before(a.logit, a.id, b.logit, b.id); });
        return best->id;
    }

    keep_top_k();
    keep_top_p();
    keep_min_p();
    for (auto& c : candidates_) c.logit /= params_.temperature;
    return draw();
}

void Sampler::apply_penalties() {
    const bool repeat = params_.repeat_penalty != 1.0f;
    // Skipped at 0 rather than subtracting 0, so runs without them stay bitwise
    // what they were before these penalties existed.
    const bool additive = params_.frequency_penalty != 0.0f || params_.presence_penalty != 0.0f;
    if ((!repeat && !additive) || window_.empty()) return;
    std::vector<int32_t> ids(window_.begin(), window_.end());
    std::sort(ids.begin(), ids.end());
    // Candidates are still in id order here, so an id indexes its own entry.
    for (size_t first = 0, last = 0; first < ids.size(); first = last) {
        const int32_t id = ids[first];
        while (last < ids.size() && ids[last] == id) ++last;
        if (id < 0 || static_cast<size_t>(id) >= candidates_.size()) continue;
        float& l = candidates_[static_cast<size_t>(id)].logit;
        if (repeat) l = l > 0.0f ? l / params_.repeat_penalty : l * params_.repeat_penalty;
        if (additive)
            l -= static_cast<float>(last - first) * params_.frequency_penalty + params_.presence_penalty;
    }
}

void Sampler::keep_top_k() {
    const auto by_rank = [](const Candidate& a, const Candidate& b) {
        return ranks_before(a.logit, a.id, b.logit, b.id);
    };
    if (params_.top_k > 0 && static_cast<size_t>(params_.top_k) < candidates_.size()) {
        const auto k = static_cast<size_t>(params_.top_k);
        std::partial_sort(candidates_.begin(), candidates_.begin() + static_cast<std::ptrdiff_t>(k),
                          candidates_.end(), by_rank);
        candidates_.resize(k);
        sorted_ = true;
    } else if (params_.top_p < 1.0f) {
        // top-p needs the full order; sort once here rather than in each filter.
        std::sort(candidates_.begin(), candidates_.end(), by_rank);
        sorted_ = true;
    }
}

void Sampler::keep_top_p() {
    if (params_.top_p >= 1.0f || candidates_.size() <= 1) return;
    const double max_logit = candidates_.front().logit;
    double total = 0.0;
    for (const auto& c : candidates_) total += std::exp(static_cast<double>(c.logit) - max_logit);
    const double target = static_cast<double>(params_.top_p) * total;
    double cumulative = 0.0;
    size_t keep = 0;
    // The smallest prefix of the sorted list whose mass reaches p (at least one).
    while (keep < candidates_.size()) {
        cumulative += std::exp(static_cast<double>(candidates_[keep].logit) - max_logit);
        ++keep;
        if (cumulative >= target) break;
    }
    candidates_.resize(keep);
}

void Sampler::keep_min_p() {
    if (params_.min_p <= 0.0f || candidates_.size() <= 1) return;
    float max_logit = candidates_.front().logit;
    if (!sorted_)
        for (const auto& c : candidates_) max_logit = std::max(max_logit, c.logit);
    // p_i >= min_p * p_max  <=>  logit_i - max_logit >= log(min_p); the maximum
    // itself always passes, so the list never empties.
    const double floor = static_cast<double>(max_logit) + std::log(static_cast<double>(params_.min_p));
    std::erase_if(candidates_, [floor](const Candidate& c) { return static_cast<double>(c.logit) < floor; });
}

double Sampler::uniform01() {
    // 53 random bits -> [0, 1): the same value on every platform, unlike
    // std::uniform_real_distribution whose algorithm the standard leaves open.
    return static_cast<double>(engine_() >> 11) * 0x1.0p-53;
}

int32_t Sampler::draw() {
    float max_logit = candidates_.front().logit;
    for (const auto& c : candidates_) max_logit = std::max(max_logit, c.logit);
    std::vector<double> weights(candidates_.size());
    double total = 0.0;
    for (size_t i = 0; i < candidates_.size(); ++i) {
        weights[i] = std::exp(static_cast<double>(candidates_[i].logit) - max_logit);
        total += weights[i];
    }
    const double target = uniform01() * total;
    double cumulative = 0.0;
    for (size_t i = 0; i < candidates_.size(); ++i) {
        cumulative += weights[i];
        if (target < cumulative) return candidates_[i].id;
    }
    // Rounding can leave target a hair above the last sum: take the last token
    // that has any weight.
    for (size_t i = candidates_.size(); i-- > 0;)
        if (weights[i] > 0.0) return candidates_[i].id;
    return candidates_.front().id;
}

}  // namespace bitnet::sampling
