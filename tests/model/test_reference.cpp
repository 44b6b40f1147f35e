// SPDX-License-Identifier: MIT
// The demo model must reproduce bitnet.cpp's outputs (tests/data/
// stories-bitnet.expected.json) on every backend that can run here: the 64 greedy
// ids exactly, the step-0 top-5 ids in order with logits within 0.1, and a
// step-0 logit cosine of at least 0.99999.
#define BOOST_TEST_MODULE model_reference
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"
#include "reference_data.hpp"

namespace {

using namespace bitnet;

const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

EngineOptions options_for(const std::string& backend, unsigned threads = 1) {
    EngineOptions o;
    o.model_path = kModel;
    o.backend = backend;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = threads;
    return o;
}

// "auto" plus every plugin that loaded and can run on this CPU.
std::vector<std::string> runnable_backends() {
    auto setup = discover_kernels(options_for("auto"));
    std::vector<std::string> out{"auto"};
    for (const auto& p : setup.registry->plugins())
        if (p.usable()) out.push_back(p.name);
    return out;
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
    }
    return ab / std::sqrt(aa * bb);
}

std::vector<int32_t> top_ids(const std::vector<float>& logits, size_t n) {
    std::vector<int32_t> ids(logits.size());
    std::iota(ids.begin(), ids.end(), 0);
    std::partial_sort(ids.begin(), ids.begin() + n, ids.end(),
                      [&](int32_t a, int32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
    ids.resize(n);
    return ids;
}

GenerateResult greedy(Engine& engine, const std::vector<int32_t>& prompt, int n) {
    model::Session session(engine.model(), engine.dispatcher());
    GenerateOptions g;
    g.n_predict = n;
    g.ignore_eos = true;
    g.sampling.temperature = 0.0f;
    g.keep_first_logits = true;
    return generate(engine, session, prompt, g, nullptr);
}

const auto& cases() {
    static auto c = test::load_reference_cases(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(reference_file_has_three_cases) {
    BOOST_REQUIRE_EQUAL(cases().size(), 3u);
    for (const auto& c : cases()) {
        BOOST_TEST(c.greedy_ids.size() == 64u);
        BOOST_TEST(c.logits.size() == 1024u);
    }
}

BOOST_AUTO_TEST_CASE(greedy_ids_and_step0_logits_match_reference_on_every_backend) {
    for (const auto& backend : runnable_backends()) {
        Engine engine(options_for(backend));
        for (const auto& c : cases()) {
            BOOST_TEST_CONTEXT("backend " << backend << ", prompt \"" << c.prompt << "\"") {
                auto r = greedy(engine, c.prompt_ids, 64);
                BOOST_TEST(r.generated == c.greedy_ids, boost::test_tools::per_element());
                BOOST_REQUIRE_EQUAL(r.first_logits.size(), c.logits.size());
                auto top = top_ids(r.first_logits, 5);
                for (size_t i = 0; i < 5; ++i) {
                    BOOST_TEST(top[i] == c.top5[i].first, "top-5 rank " << i);
                    BOOST_TEST(std::fabs(r.first_logits[c.top5[i].first] - c.top5[i].second) <= 0.1,
                               "logit of id " << c.top5[i].first << ": " << r.first_logits[c.top5[i].first]
                                              << " vs reference " << c.top5[i].second);
                }
                double cos = cosine(r.first_logits, c.logits);
                BOOST_TEST(cos >= 0.99999, "step-0 cosine " << cos);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(results_are_bitwise_identical_for_one_and_two_threads) {
    const auto& c = cases().front();
    Engine one(options_for("auto", 1));
    Engine two(options_for("auto", 2));
    auto a = greedy(one, c.prompt_ids, 16);
    auto b = greedy(two, c.prompt_ids, 16);
    BOOST_TEST(a.generated == b.generated, boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(a.first_logits.size(), b.first_logits.size());
    BOOST_TEST(std::equal(a.first_logits.begin(), a.first_logits.end(), b.first_logits.begin()),
               "step-0 logits differ between 1 and 2 threads");
}

BOOST_AUTO_TEST_CASE(prompt_longer_than_context_is_an_error) {
    Engine engine(options_for("auto"));
    model::Session session(engine.model(), engine.dispatcher(), 8);
    std::vector<int32_t> prompt(9, 1);
    GenerateOptions g;
    BOOST_CHECK_EXCEPTION(generate(engine, session, prompt, g, nullptr), bitnet::Error, [](const bitnet::Error& e) {
        return std::string(e.what()).find("does not fit the context of 8 tokens") != std::string::npos;
    });
}
