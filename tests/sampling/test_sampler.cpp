// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE sampler
#include <boost/test/unit_test.hpp>

#include "bitnet/error.hpp"
#include "bitnet/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

using bitnet::sampling::Sampler;
using bitnet::sampling::SamplingParams;

namespace {

// Only the filter under test is active; the others are set to their no-op values.
SamplingParams plain(float temperature, uint64_t seed = 7) {
    SamplingParams p;
    p.temperature = temperature;
    p.top_k = 0;
    p.top_p = 1.0f;
    p.min_p = 0.0f;
    p.repeat_penalty = 1.0f;
    p.seed = seed;
    return p;
}

std::vector<float> logits_of(const std::vector<double>& probs) {
    std::vector<float> out;
    for (double p : probs) out.push_back(static_cast<float>(std::log(p)));
    return out;
}

std::map<int32_t, int> histogram(Sampler& s, const std::vector<float>& logits, int draws) {
    std::map<int32_t, int> counts;
    for (int i = 0; i < draws; ++i) ++counts[s.sample(logits)];
    return counts;
}

// The logit id k has after the penalties, found by greedy duels against a
// competitor (an id never accepted) whose logit is bisected: id k wins ties, so
// it wins while the competitor is at or below its penalized logit.
float penalized_logit(const std::vector<float>& logits, const std::vector<int32_t>& window, SamplingParams p,
                      size_t k) {
    p.temperature = 0.0f;
    double lo = -100.0, hi = 100.0;
    for (int i = 0; i < 60; ++i) {
        const double mid = (lo + hi) / 2;
        std::vector<float> duel(logits.size() + 1, -INFINITY);
        duel[k] = logits[k];
        duel.back() = static_cast<float>(mid);
        Sampler s(p);
        for (int32_t id : window) s.accept(id);
        (s.sample(duel) == static_cast<int32_t>(k) ? lo : hi) = mid;
    }
    return static_cast<float>(lo);
}

}  // namespace

BOOST_AUTO_TEST_CASE(greedy_picks_argmax_and_lowest_id_on_ties) {
    Sampler s(plain(0.0f));
    BOOST_TEST(s.sample(std::vector<float>{0.1f, 2.5f, -3.0f, 2.4f}) == 1);
    BOOST_TEST(s.sample(std::vector<float>{1.0f, 4.0f, 2.0f, 4.0f}) == 1);
    BOOST_TEST(s.sample(std::vector<float>{-INFINITY, -7.0f, -INFINITY}) == 1);
    SamplingParams negative = plain(-1.0f);
    Sampler n(negative);
    BOOST_TEST(n.sample(std::vector<float>{0.0f, 0.0f, 3.0f}) == 2);
}

BOOST_AUTO_TEST_CASE(top_k_one_equals_greedy_at_any_temperature) {
    std::mt19937 gen(123);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    std::vector<float> logits(500);
    for (auto& l : logits) l = normal(gen);
    Sampler greedy(plain(0.0f));
    const int32_t best = greedy.sample(logits);
    for (float temperature : {0.05f, 1.0f, 10.0f, 1000.0f}) {
        SamplingParams p = plain(temperature);
        p.top_k = 1;
        Sampler s(p);
        for (int i = 0; i < 200; ++i) {
            const int32_t id = s.sample(logits);
            BOOST_TEST_REQUIRE(id == best, "temperature " << temperature << " drew " << id);
        }
    }
}

BOOST_AUTO_TEST_CASE(top_p_never_draws_outside_the_smallest_nucleus) {
    const auto logits = logits_of({0.05, 0.5, 0.15, 0.3});  // sorted: 1, 3, 2, 0
    struct Case { float p; std::vector<int32_t> nucleus; };
    for (const Case& c : {Case{0.4f, {1}}, Case{0.75f, {1, 3}}, Case{0.9f, {1, 3, 2}}}) {
        SamplingParams p = plain(1.0f);
        p.top_p = c.p;
        Sampler s(p);
        const auto counts = histogram(s, logits, 4000);
        for (const auto& [id, n] : counts) {
            const bool inside = std::find(c.nucleus.begin(), c.nucleus.end(), id) != c.nucleus.end();
            BOOST_TEST(inside, "top_p " << c.p << " drew id " << id << " (" << n << " times) outside the nucleus");
        }
        for (int32_t id : c.nucleus)
            BOOST_TEST(counts.count(id) == 1u, "top_p " << c.p << " never drew nucleus id " << id);
    }
}

BOOST_AUTO_TEST_CASE(min_p_excludes_tokens_below_min_p_times_max_prob) {
    // min_p 0.125 of max 0.4 = 0.05: id 3 (0.06) stays, id 4 (0.04) goes.
    const auto logits = logits_of({0.4, 0.3, 0.2, 0.06, 0.04});
    SamplingParams p = plain(1.0f);
    p.min_p = 0.125f;
    Sampler s(p);
    const auto counts = histogram(s, logits, 6000);
    BOOST_TEST(counts.count(4) == 0u, "id 4 drawn " << (counts.count(4) ? counts.at(4) : 0) << " times");
    BOOST_TEST(counts.count(3) == 1u, "id 3 is above the floor but never drawn");
}

BOOST_AUTO_TEST_CASE(temperature_sharpens_below_one_and_flattens_above) {
    const std::vector<float> logits{2.0f, 1.0f, 0.0f};
    const int draws = 20000;
    double previous = 1.1;
    for (float t : {0.5f, 1.0f, 2.0f}) {
        Sampler s(plain(t, 99));
        const auto counts = histogram(s, logits, draws);
        const double observed = counts.count(0) ? counts.at(0) / double(draws) : 0.0;
        double total = 0.0;
        for (float l : logits) total += std::exp(l / t);
        const double expected = std::exp(logits[0] / t) / total;
        // 20000 draws give a standard error under 0.004; 0.03 is far outside chance.
        BOOST_TEST(std::abs(observed - expected) < 0.03,
                   "T=" << t << ": top token frequency " << observed << ", softmax says " << expected);
        BOOST_TEST(observed < previous, "T=" << t << " did not flatten the distribution");
        previous = observed;
    }
}

BOOST_AUTO_TEST_CASE(same_seed_gives_same_sequence_and_other_seed_differs) {
    std::vector<float> logits(64);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = static_cast<float>(i % 7) * 0.1f;
    auto run = [&](uint64_t seed) {
        Sampler s(plain(1.0f, seed));
        std::vector<int32_t> ids;
        for (int i = 0; i < 100; ++i) ids.push_back(s.sample(logits));
        return ids;
    };
    const auto a = run(42);
    BOOST_TEST(a == run(42));
    BOOST_TEST(a != run(43));

    Sampler s(plain(1.0f, 42));
    std::vector<int32_t> first, again;
    for (int i = 0; i < 100; ++i) first.push_back(s.sample(logits));
    s.reset();
    for (int i = 0; i < 100; ++i) again.push_back(s.sample(logits));
    BOOST_TEST(first == again, "reset() did not reseed the engine");
}

BOOST_AUTO_TEST_CASE(repetition_penalty_divides_positive_and_multiplies_negative_logits) {
    SamplingParams p = plain(0.0f);
    p.repeat_penalty = 1.5f;
    Sampler positive(p);
    const std::vector<float> pos{3.0f, 2.9f, -1.0f};
    BOOST_TEST(positive.sample(pos) == 0);
    positive.accept(0);  // 3.0 / 1.5 = 2.0 < 2.9
    BOOST_TEST(positive.sample(pos) == 1);

    Sampler negative(p);
    const std::vector<float> neg{-1.0f, -1.2f};
    negative.accept(0);  // -1.0 * 1.5 = -1.5 < -1.2
    BOOST_TEST(negative.sample(neg) == 1);
}

BOOST_AUTO_TEST_CASE(repetition_penalty_counts_an_id_once_however_often_repeated) {
    SamplingParams p = plain(0.0f);
    p.repeat_penalty = 1.5f;
    Sampler s(p);
    s.accept(0);
    s.accept(0);
    s.accept(0);
    // Once: 3.0 / 1.5 = 2.0 > 1.9. Three times would give 0.89.
    BOOST_TEST(s.sample(std::vector<float>{3.0f, 1.9f}) == 0);
}

BOOST_AUTO_TEST_CASE(repetition_penalty_only_sees_the_last_n_accepted_ids) {
    SamplingParams p = plain(0.0f);
    p.repeat_penalty = 2.0f;
    p.repeat_last_n = 2;
    Sampler s(p);
    const std::vector<float> logits{3.0f, 2.0f, 0.5f, 0.5f, 0.5f};
    s.accept(0);
    BOOST_TEST(s.sample(logits) == 1, "id 0 in the window was not demoted");
    s.accept(3);
    s.accept(4);
    BOOST_TEST(s.sample(logits) == 0, "id 0 left the window but is still penalised");
    s.accept(0);
    s.reset();
    BOOST_TEST(s.sample(logits) == 0, "reset() kept the window");

    p.repeat_last_n = 0;
    Sampler off(p);
    off.accept(0);
    BOOST_TEST(off.sample(logits) == 0, "repeat_last_n 0 still penalised");
}

BOOST_AUTO_TEST_CASE(frequency_and_presence_penalties_subtract_count_times_f_plus_p) {
    const std::vector<float> logits{1.0f, 2.0f, -0.5f, 3.0f};
    const std::vector<int32_t> window{0, 0, 0, 2, 3};  // counts: 3, 0, 1, 1
    struct Case {
        float repeat, frequency, presence;
        std::vector<float> expected;
    };
    for (const Case& c : {
             Case{1.0f, 0.5f, 0.0f, {-0.5f, 2.0f, -1.0f, 2.5f}},
             Case{1.0f, 0.0f, 0.25f, {0.75f, 2.0f, -0.75f, 2.75f}},
             Case{1.0f, 0.5f, 0.25f, {-0.75f, 2.0f, -1.25f, 2.25f}},
             Case{1.0f, -0.5f, -0.25f, {2.75f, 2.0f, 0.25f, 3.75f}},  // negative: repeats favoured
             // The repeat penalty scales first, then the OpenAI penalties subtract.
             Case{2.0f, 0.5f, 0.25f, {-1.25f, 2.0f, -1.75f, 0.75f}},
         }) {
        SamplingParams p = plain(0.0f);
        p.repeat_last_n = -1;
        p.repeat_penalty = c.repeat;
        p.frequency_penalty = c.frequency;
        p.presence_penalty = c.presence;
        for (size_t k = 0; k < logits.size(); ++k) {
            const float got = penalized_logit(logits, window, p, k);
            BOOST_TEST(std::fabs(got - c.expected[k]) < 1e-4f, "repeat " << c.repeat << " frequency " << c.frequency
                                                                         << " presence " << c.presence << ": id " << k
                                                                         << " has " << got << ", expected "
                                                                         << c.expected[k]);
        }
    }
}

BOOST_AUTO_TEST_CASE(frequency_and_presence_penalties_only_count_the_last_n_accepted_ids) {
    SamplingParams p = plain(0.0f);
    p.frequency_penalty = 0.5f;
    p.presence_penalty = 0.25f;
    p.repeat_last_n = 3;
    // The window keeps 0, 2, 3: id 0 counts once, not three times.
    const std::vector<float> logits{1.0f, 2.0f, -0.5f, 3.0f};
    BOOST_TEST(std::fabs(penalized_logit(logits, {0, 0, 0, 2, 3}, p, 0) - 0.25f) < 1e-4f);
    p.repeat_last_n = 0;
    BOOST_TEST(std::fabs(penalized_logit(logits, {0, 0, 0, 2, 3}, p, 0) - 1.0f) < 1e-4f, "no window, no penalty");
}

BOOST_AUTO_TEST_CASE(frequency_penalty_turns_a_greedy_repeat_away) {
    SamplingParams p = plain(0.0f);
    p.frequency_penalty = 0.4f;
    Sampler s(p);
    const std::vector<float> logits{3.0f, 2.0f};
    // 3.0, 2.6, 2.2, then 1.8 < 2.0: id 0 three times, then id 1.
    std::vector<int32_t> drawn;
    for (int i = 0; i < 4; ++i) {
        drawn.push_back(s.sample(logits));
        s.accept(drawn.back());
    }
    BOOST_TEST(drawn == (std::vector<int32_t>{0, 0, 0, 1}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rejects_unusable_logits_and_parameters) {
    Sampler s(plain(1.0f));
    BOOST_CHECK_THROW(s.sample(std::vector<float>{}), bitnet::Error);
    BOOST_CHECK_THROW(s.sample(std::vector<float>{-INFINITY, -INFINITY}), bitnet::Error);
    BOOST_CHECK_THROW(s.sample(std::vector<float>{1.0f, NAN}), bitnet::Error);
    SamplingParams p = plain(1.0f);
    p.repeat_penalty = 0.0f;
    BOOST_CHECK_THROW(Sampler{p}, bitnet::Error);
    p = plain(1.0f);
    p.frequency_penalty = INFINITY;
    BOOST_CHECK_THROW(Sampler{p}, bitnet::Error);
    p = plain(1.0f);
    p.presence_penalty = NAN;
    BOOST_CHECK_THROW(Sampler{p}, bitnet::Error);
}

BOOST_AUTO_TEST_CASE(default_chain_draws_only_from_top_k) {
    // llama.cpp defaults with a flat distribution: top-k 40 is the binding filter.
    std::vector<float> logits(1000);
    for (size_t i = 0; i < logits.size(); ++i) logits[i] = -static_cast<float>(i) * 0.001f;
    Sampler s(SamplingParams{});
    const auto counts = histogram(s, logits, 3000);
    BOOST_TEST(counts.rbegin()->first < 40, "drew id " << counts.rbegin()->first);
    BOOST_TEST(counts.size() > 30u, "only " << counts.size() << " of the top 40 ids drawn");
}
