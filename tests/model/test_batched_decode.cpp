// SPDX-License-Identifier: MIT
// Session::decode_batch steps several sequences in one forward pass; each one's
// logits must be bitwise those of its own single-sequence run, whatever else is
// in the batch, on every backend, head precision and thread count. That is what
// lets a server batch requests without changing any request's tokens.
#define BOOST_TEST_MODULE model_batched_decode
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/session.hpp"

namespace {

using namespace bitnet;
using Logits = std::vector<std::vector<float>>;  // one row per step

EngineOptions options_for(const std::string& model, const std::string& backend, unsigned threads,
                          const std::string& head) {
    EngineOptions o;
    o.model_path = model;
    o.backend = backend;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = threads;
    o.head_precision = head;
    return o;
}

// Sequence s: a prompt of 3 + 2s tokens (different lengths, so different
// positions in one batch), then fixed decode ids.
std::vector<int32_t> prompt_of(int s, int32_t vocab) {
    std::vector<int32_t> p;
    for (int i = 0; i < 3 + 2 * s; ++i) p.push_back((1 + 37 * i + 11 * s) % vocab);
    return p;
}
int32_t step_id(int s, int step, int32_t vocab) { return (500 + 101 * step + 53 * s) % vocab; }

Logits alone(Engine& e, int s, int steps) {
    const auto vocab = static_cast<int32_t>(e.model().config().n_vocab);
    model::Session session(e.model(), e.dispatcher(), 64);
    Logits out;
    auto l = session.eval(prompt_of(s, vocab));
    out.emplace_back(l.begin(), l.end());
    for (int i = 0; i < steps; ++i) {
        const int32_t id = step_id(s, i, vocab);
        l = session.eval(std::span<const int32_t>(&id, 1));
        out.emplace_back(l.begin(), l.end());
    }
    return out;
}

// n sequences; sequence s joins at step s (its prompt evaluated alone, as a
// server admits a request), then all present ones step together.
std::vector<Logits> batched(Engine& e, int n, int steps) {
    const auto vocab = static_cast<int32_t>(e.model().config().n_vocab);
    std::vector<std::unique_ptr<model::Session>> sessions;
    std::vector<Logits> out(static_cast<size_t>(n));
    std::vector<int> done(static_cast<size_t>(n), 0);
    for (int round = 0; round < steps + n; ++round) {
        if (round < n) {
            sessions.push_back(std::make_unique<model::Session>(e.model(), e.dispatcher(), 64));
            auto l = sessions.back()->eval(prompt_of(round, vocab));
            out[static_cast<size_t>(round)].emplace_back(l.begin(), l.end());
        }
        std::vector<model::Session*> active;
        std::vector<int32_t> ids;
        std::vector<int> who;
        for (int s = 0; s < static_cast<int>(sessions.size()); ++s)
            if (done[static_cast<size_t>(s)] < steps) {
                active.push_back(sessions[static_cast<size_t>(s)].get());
                ids.push_back(step_id(s, done[static_cast<size_t>(s)], vocab));
                who.push_back(s);
            }
        if (active.empty()) break;
        model::Session::decode_batch(active, ids);
        for (size_t i = 0; i < active.size(); ++i) {
            auto l = active[i]->logits();
            out[static_cast<size_t>(who[i])].emplace_back(l.begin(), l.end());
            ++done[static_cast<size_t>(who[i])];
        }
    }
    return out;
}

void check_same_bits(const Logits& got, const Logits& want, const std::string& what) {
    BOOST_TEST_REQUIRE(got.size() == want.size(), what);
    for (size_t step = 0; step < got.size(); ++step) {
        BOOST_TEST_REQUIRE(got[step].size() == want[step].size());
        size_t first = got[step].size();
        for (size_t i = 0; i < got[step].size() && first == got[step].size(); ++i)
            if (std::memcmp(&got[step][i], &want[step][i], sizeof(float)) != 0) first = i;
        BOOST_TEST(first == got[step].size(), what << " step " << step << ": logit " << first << " is "
                                                   << (first < got[step].size() ? got[step][first] : 0.0f)
                                                   << ", alone "
                                                   << (first < got[step].size() ? want[step][first] : 0.0f));
    }
}

std::vector<std::string> backends(const std::string& model) {
    auto setup = discover_kernels(options_for(model, "auto", 2, "f16"));
    std::vector<std::string> out{"auto"};
    for (const auto& p : setup.registry->plugins())
        if (p.usable()) out.push_back(p.name);
    return out;
}

void check_batched_equals_alone(const std::string& model) {
    constexpr int kSequences = 4, kSteps = 5;
    for (const auto& backend : backends(model))
        for (const char* head : {"f16", "q8"})
            for (unsigned threads : {1u, 2u}) {
                if (threads == 1 && backend != "auto") continue;
                Engine e(options_for(model, backend, threads, head));
                const auto got = batched(e, kSequences, kSteps);
                for (int s = 0; s < kSequences; ++s)
                    check_same_bits(got[static_cast<size_t>(s)], alone(e, s, kSteps),
                                    backend + " head " + head + " -t " + std::to_string(threads) + " sequence " +
                                        std::to_string(s));
            }
}

std::string demo_model() { return std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf"; }

}  // namespace

BOOST_AUTO_TEST_CASE(demo_model_batched_decode_is_each_sequence_alone) { check_batched_equals_alone(demo_model()); }

BOOST_AUTO_TEST_CASE(random_model_batched_decode_is_each_sequence_alone) {
    const auto dir = std::filesystem::temp_directory_path() / ("bitnet-batched-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto model = (dir / "small.gguf").string();
    const std::string cmd = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf synth --preset small --seed 11 --out '" +
                            model + "' > /dev/null";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    check_batched_equals_alone(model);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(bad_batches_are_refused_before_any_session_moves) {
    Engine e(options_for(demo_model(), "auto", 2, "f16"));
    model::Session a(e.model(), e.dispatcher(), 8), b(e.model(), e.dispatcher(), 8);
    const std::vector<int32_t> prompt{1, 2, 3};
    a.eval(prompt);
    b.eval(std::vector<int32_t>{1, 2, 3, 4, 5, 6, 7, 8});  // b's context is now full
    auto refused = [&](std::vector<model::Session*> s, std::vector<int32_t> ids, const std::string& why) {
        try {
            model::Session::decode_batch(s, ids);
            BOOST_ERROR("accepted: " << why);
        } catch (const Error& err) {
            BOOST_TEST(std::string(err.what()).find(why) != std::string::npos, err.what());
        }
        BOOST_TEST(a.position() == 3);
        BOOST_TEST(b.position() == 8);
    };
    refused({&a, &b}, {5, 6}, "context full");
    refused({&a, &a}, {5, 6}, "appears twice");
    refused({&a}, {5, 6}, "given 2 token ids");
    refused({&a}, {1 << 20}, "outside the vocabulary");
    refused({}, {}, "empty batch");
}

BOOST_AUTO_TEST_CASE(few_sequence_steps_run_the_small_batch_op_not_the_prefill_gemm) {
    Engine e(options_for(demo_model(), "auto", 2, "f16"));
    const auto& few = e.dispatcher().selected(BITNET_OP_I2S_GEMM_FEW);
    BOOST_TEST_REQUIRE(few.kernel != nullptr);  // cpu-scalar offers it, so auto always has one
    const auto vocab = static_cast<int32_t>(e.model().config().n_vocab);
    std::vector<std::unique_ptr<model::Session>> sessions;
    std::vector<model::Session*> active;
    for (int s = 0; s < 4; ++s) {
        sessions.push_back(std::make_unique<model::Session>(e.model(), e.dispatcher(), 64));
        const auto p = prompt_of(s, vocab);
        sessions.back()->eval(std::vector<int32_t>(p.begin(), p.begin() + 1));
        active.push_back(sessions.back().get());
    }
    e.dispatcher().reset_stats();
    const std::vector<int32_t> ids{step_id(0, 0, vocab), step_id(1, 0, vocab), step_id(2, 0, vocab),
                                   step_id(3, 0, vocab)};
    model::Session::decode_batch(active, ids);
    uint64_t few_calls = 0;
    for (const auto& st : e.dispatcher().stats()) {
        BOOST_TEST(st.op != static_cast<uint32_t>(BITNET_OP_I2S_GEMM), st.id);
        BOOST_TEST(st.op != static_cast<uint32_t>(BITNET_OP_I2S_GEMV), st.id);
        if (st.op == BITNET_OP_I2S_GEMM_FEW) {
            BOOST_TEST(st.id == few.kernel->id);
            few_calls = st.calls;
        }
    }
    // Seven projections per layer, one call each.
    BOOST_TEST(few_calls == static_cast<uint64_t>(7 * e.model().config().n_layer));
}
