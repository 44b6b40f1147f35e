// SPDX-License-Identifier: MIT
// Every backend must compute cpu-scalar's logits bit for bit, for the prompt batch
// and for single-token decode steps: kernel_plugin.h fixes every float rounding,
// the reduction order of attention and the head included. Identical logits are
// what makes every plugin generate the same tokens, on trained and random models.
#define BOOST_TEST_MODULE model_backend_agreement
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/session.hpp"

namespace {

using namespace bitnet;

EngineOptions options_for(const std::string& model, const std::string& backend, unsigned threads = 2) {
    EngineOptions o;
    o.model_path = model;
    o.backend = backend;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = threads;
    return o;
}

std::vector<std::string> runnable_backends(const std::string& model) {
    auto setup = discover_kernels(options_for(model, "auto"));
    std::vector<std::string> out{"auto"};
    for (const auto& p : setup.registry->plugins())
        if (p.usable()) out.push_back(p.name);
    return out;
}

// Logits of a 7-token prompt batch, then of 9 single-token steps (fixed ids, so
// one difference cannot hide behind a different continuation).
std::vector<std::vector<float>> logits_of(const std::string& model, const std::string& backend,
                                          unsigned threads = 2) {
    Engine engine(options_for(model, backend, threads));
    model::Session session(engine.model(), engine.dispatcher());
    const int32_t vocab = static_cast<int32_t>(engine.model().config().n_vocab);
    std::vector<int32_t> prompt;
    for (int32_t i = 0; i < 7; ++i) prompt.push_back((1 + 37 * i) % vocab);
    std::vector<std::vector<float>> out;
    auto keep = [&](std::span<const float> l) { out.emplace_back(l.begin(), l.end()); };
    keep(session.eval(prompt));
    for (int32_t i = 0; i < 9; ++i) {
        const int32_t id = (500 + 101 * i) % vocab;
        keep(session.eval(std::span<const int32_t>(&id, 1)));
    }
    return out;
}

void check_all_backends_agree(const std::string& model) {
    const auto reference = logits_of(model, "cpu-scalar");
    struct Run {
        std::string backend;
        unsigned threads;
    };
    std::vector<Run> runs{{"cpu-scalar", 1}, {"auto", 1}};
    for (const auto& backend : runnable_backends(model))
        if (backend != "cpu-scalar") runs.push_back({backend, 2});
    for (const auto& [backend, threads] : runs) {
        BOOST_TEST_CONTEXT(backend << ", " << threads << " thread(s)") {
        const auto got = logits_of(model, backend, threads);
        BOOST_TEST_REQUIRE(got.size() == reference.size());
        for (size_t step = 0; step < got.size(); ++step) {
            BOOST_TEST_REQUIRE(got[step].size() == reference[step].size());
            size_t first = got[step].size();
            for (size_t i = 0; i < got[step].size() && first == got[step].size(); ++i)
                if (std::memcmp(&got[step][i], &reference[step][i], sizeof(float)) != 0) first = i;
            BOOST_TEST(first == got[step].size(), backend << " step " << step << ": logit " << first << " is "
                                                          << (first < got[step].size() ? got[step][first] : 0.0f)
                                                          << ", cpu-scalar's "
                                                          << (first < got[step].size() ? reference[step][first] : 0.0f));
        }
        }
    }
}

std::string synth(const std::filesystem::path& dir, const std::string& preset, const std::string& arch,
                  const std::string& type = "i2_s", const std::string& extra = "") {
    const auto model = (dir / (preset + "-" + arch + "-" + type + ".gguf")).string();
    const std::string cmd = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf synth --preset " + preset +
                            " --arch " + arch + " --type " + type + " " + extra + " --seed 7 --out '" + model +
                            "' > /dev/null";
    BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
    return model;
}

}  // namespace

BOOST_AUTO_TEST_CASE(demo_model_logits_are_cpu_scalars_on_every_backend) {
    check_all_backends_agree(std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf");
}

// Random weights amplify any rounding difference layer after layer: before the
// reduction order was fixed, plugins parted here at the first decode steps. Every
// family of architecture.hpp runs the same shapes through its own graph.
BOOST_AUTO_TEST_CASE(random_model_logits_are_cpu_scalars_on_every_backend_for_every_family) {
    const auto dir = std::filesystem::temp_directory_path() / ("bitnet-agreement-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    for (const char* arch : {"bitnet-b1.58", "bitnet", "llama"}) {
        BOOST_TEST_CONTEXT("architecture " << arch) { check_all_backends_agree(synth(dir, "small", arch)); }
    }
    // TQ1_0 and TQ2_0 projections run as their I2_S repack, through the same kernels.
    BOOST_TEST_CONTEXT("llama, TQ1_0") { check_all_backends_agree(synth(dir, "small", "llama", "tq1_0")); }
    BOOST_TEST_CONTEXT("bitnet-b1.58, TQ2_0") { check_all_backends_agree(synth(dir, "small", "bitnet-b1.58", "tq2_0")); }
    // Embedding and head types: rows dequantized by the runtime; an F32 or BF16
    // head converted to F16 once, a Q8_0 or Q6_K head run on its blocks by each
    // backend's own Q8_0_MATMUL / Q6_K_MATMUL kernel.
    for (const char* extra : {"--embd-type q6_k --untied-head --head-type q8_0", "--embd-type bf16 --untied-head --head-type f32",
                              "--embd-type q8_0 --untied-head --head-type q6_k"})
        BOOST_TEST_CONTEXT("llama, " << extra) {
            check_all_backends_agree(synth(dir, "small", "llama", "i2_s", extra));
        }
    // Per-block TQ scales run through I2S_BLOCK_MATMUL (cpu-scalar's on every backend).
    BOOST_TEST_CONTEXT("bitnet, TQ2_0 with per-block scales") {
        check_all_backends_agree(synth(dir, "small", "bitnet", "tq2_0", "--block-scales"));
    }
    BOOST_TEST_CONTEXT("bitnet, Q8_0 tied") {
        check_all_backends_agree(synth(dir, "small", "bitnet", "i2_s", "--embd-type q8_0"));
    }
    std::filesystem::remove_all(dir);
}
