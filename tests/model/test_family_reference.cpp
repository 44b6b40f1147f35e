// SPDX-License-Identifier: MIT
// Every family's graph against a double-precision forward pass written from
// llama.cpp's definitions (tests/support/reference_forward.hpp): the step-0
// logits of a prompt must agree at cosine >= 0.9999. The demo model, made by
// bitnet.cpp's toolchain, checks the reference itself (it agrees to ~1e-15).
//
// Random weights are chaotic under int8 activation quantization: an input within
// a float ulp of a rounding tie (x*s = n + 0.5) in an early layer rounds one way
// here and the other in the reference, the changed output moves later inputs by
// ~0.1 quantization steps, and many later roundings follow. Measured on the small
// shapes: one such seed in five ends at cosine 0.9998 (perturbing the reference's
// own x*s by 1e-7 relative moves it by as much). So each family runs three seeds;
// the median must reach 0.9999 and none may fall below 0.999, which a wrong
// graph (a swapped RoPE pairing, a missing sub-norm) falls far below.
#define BOOST_TEST_MODULE model_family_reference
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/session.hpp"
#include "reference_forward.hpp"

namespace {

using namespace bitnet;

double step0_cosine(const std::string& model) {
    EngineOptions o;
    o.model_path = model;
    o.backend = "auto";
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = 2;
    Engine engine(o);
    model::Session session(engine.model(), engine.dispatcher());
    const int32_t vocab = static_cast<int32_t>(engine.model().config().n_vocab);
    std::vector<int32_t> prompt;
    for (int32_t i = 0; i < 6; ++i) prompt.push_back((1 + 53 * i) % vocab);
    const auto got = session.eval(prompt);
    const auto want = test::ReferenceForward(model).logits(prompt);
    BOOST_TEST_REQUIRE(got.size() == want.size());
    double ab = 0, aa = 0, bb = 0;
    for (size_t i = 0; i < got.size(); ++i) {
        ab += got[i] * want[i];
        aa += double(got[i]) * got[i];
        bb += want[i] * want[i];
    }
    return ab / std::sqrt(aa * bb);
}

struct SynthDir {
    std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("bitnet-family-ref-" + std::to_string(::getpid()));
    SynthDir() { std::filesystem::create_directories(dir); }
    ~SynthDir() { std::filesystem::remove_all(dir); }
    std::string make(const std::string& preset, const std::string& extra, int seed) {
        const auto model = (dir / "model.gguf").string();
        const std::string cmd = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf synth --preset " + preset + " " +
                                extra + " --seed " + std::to_string(seed) + " --out '" + model + "' > /dev/null";
        BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
        return model;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(reference_reproduces_the_demo_model) {
    const double c = step0_cosine(std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf");
    BOOST_TEST(c >= 0.99999, "cosine " << c);
}

BOOST_AUTO_TEST_CASE(every_family_matches_the_reference) {
    SynthDir d;
    for (const char* extra : {"--arch bitnet-b1.58", "--arch bitnet-25", "--arch bitnet", "--arch llama",
                              "--arch llama --untied-head", "--arch bitnet-b1.58 --untied-head",
                              "--arch bitnet-b1.58 --type tq2_0", "--arch llama --type tq1_0",
                              "--arch bitnet --type tq2_0", "--arch bitnet-b1.58 --embd-type q6_k",
                              "--arch bitnet --embd-type q8_0", "--arch bitnet-25 --embd-type bf16",
                              "--arch llama --embd-type f32 --untied-head --head-type q6_k",
                              "--arch llama --embd-type q8_0 --untied-head --head-type bf16",
                              "--arch bitnet-b1.58 --untied-head --head-type f32",
                              "--arch llama --type tq2_0 --block-scales", "--arch bitnet-b1.58 --type tq1_0 --block-scales"}) {
        std::vector<double> c;
        for (int seed : {7, 11, 13}) c.push_back(step0_cosine(d.make("small", extra, seed)));
        std::sort(c.begin(), c.end());
        BOOST_TEST_MESSAGE(extra << ": cosines " << c[0] << " " << c[1] << " " << c[2]);
        BOOST_TEST(c[1] >= 0.9999, extra << ": median cosine " << c[1]);
        BOOST_TEST(c[0] >= 0.999, extra << ": lowest cosine " << c[0]);
    }
}
