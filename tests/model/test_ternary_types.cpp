// SPDX-License-Identifier: MIT
// llama.cpp's TQ2_0 and TQ1_0: the demo model rewritten by `bitnet-gguf requant`
// must give the I2_S original's (and so bitnet.cpp's) 64 greedy ids on the three
// reference prompts, its weights a packed I2_S copy made at load.
#define BOOST_TEST_MODULE model_ternary_types
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"
#include "reference_data.hpp"

namespace {

using namespace bitnet;

const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

std::vector<int32_t> greedy64(Engine& engine, const std::vector<int32_t>& prompt) {
    model::Session session(engine.model(), engine.dispatcher());
    GenerateOptions g;
    g.n_predict = 64;
    g.ignore_eos = true;
    g.sampling.temperature = 0.0f;
    return generate(engine, session, prompt, g, nullptr).generated;
}

EngineOptions options_for(const std::string& model) {
    EngineOptions o;
    o.model_path = model;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = 2;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(demo_model_as_tq2_0_and_tq1_0_gives_the_same_greedy_ids) {
    const auto cases = test::load_reference_cases(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    BOOST_TEST_REQUIRE(cases.size() == 3u);
    const auto dir = std::filesystem::temp_directory_path() / ("bitnet-tq-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    Engine original(options_for(kModel));
    BOOST_TEST(original.model().packed_bytes() == 0u);
    for (const char* type : {"tq2_0", "tq1_0"}) {
        const std::string out = (dir / (std::string(type) + ".gguf")).string();
        const std::string cmd = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf requant '" + kModel + "' --type " +
                                type + " --out '" + out + "' > /dev/null";
        BOOST_TEST_REQUIRE(std::system(cmd.c_str()) == 0, cmd);
        Engine converted(options_for(out));
        BOOST_TEST(converted.model().packed_bytes() > 0u, "the repack is counted as packed weights");
        for (const auto& c : cases) {
            BOOST_TEST_CONTEXT(type << ", prompt '" << c.prompt << "'") {
                const auto want = greedy64(original, c.prompt_ids);
                BOOST_TEST(want == c.greedy_ids, boost::test_tools::per_element());
                BOOST_TEST(greedy64(converted, c.prompt_ids) == want, boost::test_tools::per_element());
            }
        }
    }
    std::filesystem::remove_all(dir);
}
