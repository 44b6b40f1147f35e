// SPDX-License-Identifier: MIT
// Loaded weights are mapped, not copied: on a ~220 MB model made by
// `bitnet-gguf synth --preset medium`, RSS after loading the engine and running a
// prompt stays below file size + 64 MB, and anonymous memory grows by far less
// than the weights.
#define BOOST_TEST_MODULE model_mapped_weights
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"
#include "proc_status.hpp"
#include "run_command.hpp"

namespace {

using bitnet::test::status_bytes;

namespace fs = std::filesystem;
constexpr uint64_t kMiB = 1024 * 1024;

}  // namespace

BOOST_AUTO_TEST_CASE(rss_after_load_and_prompt_stays_below_file_size_plus_64_mib) {
    fs::path dir = fs::temp_directory_path() / ("bitnet-mapped-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const std::string path = (dir / "medium.gguf").string();
    auto made = bitnet::test::run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf",
                                          {"synth", "--preset", "medium", "--seed", "5", "--out", path});
    BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    const uint64_t file_size = fs::file_size(path);
    BOOST_REQUIRE(file_size > 200 * kMiB);

    const uint64_t anon_before = status_bytes("RssAnon");
    {
        bitnet::EngineOptions o;
        o.model_path = path;
        o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
        o.use_environment = false;
        o.threads = 2;
        bitnet::Engine engine(o);
        const uint64_t rss_loaded = status_bytes("VmRSS");
        BOOST_TEST_MESSAGE("file " << file_size / kMiB << " MiB; after load VmRSS " << rss_loaded / kMiB << " MiB");
        BOOST_TEST(rss_loaded < file_size + 64 * kMiB);

        bitnet::model::Session session(engine.model(), engine.dispatcher(), 256);
        bitnet::GenerateOptions g;
        g.n_predict = 4;
        g.ignore_eos = true;
        g.sampling.temperature = 0;
        auto r = bitnet::generate(engine, session, {1, 300, 301, 302, 303, 304, 305, 306}, g, nullptr);
        BOOST_TEST(r.generated.size() == 4u);
        const uint64_t rss_run = status_bytes("VmRSS");
        const uint64_t anon_run = status_bytes("RssAnon");
        BOOST_TEST_MESSAGE("after a prompt and 4 tokens: VmRSS " << rss_run / kMiB << " MiB, RssAnon +"
                                                                 << (anon_run - anon_before) / kMiB << " MiB");
        // Every weight byte has now been read, through the mapping.
        BOOST_TEST(rss_run < file_size + 64 * kMiB);
        BOOST_TEST(anon_run - anon_before < 64 * kMiB);
    }
    fs::remove_all(dir);
}
