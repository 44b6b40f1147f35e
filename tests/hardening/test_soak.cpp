// SPDX-License-Identifier: MIT
// Soak: 1000 short generations in one process through the library API (one
// Engine; sessions reset and remade; seeds, prompts and stop rules varied) must
// keep the resident set flat once warm. Leaks are for the sanitizer build's LSan
// and for valgrind (README, "Hardening"); this test watches growth.
#define BOOST_TEST_MODULE hardening_soak
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"

namespace {

const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// Sanitizer allocators hold freed memory back (ASan's quarantine), so the
// resident set grows by design; the run still gives LSan/TSan their material.
constexpr bool kCheckRss = false;
#else
constexpr bool kCheckRss = true;
#endif

uint64_t rss_bytes() {
    std::ifstream in("/proc/self/statm");
    uint64_t size = 0, resident = 0;
    in >> size >> resident;
    return resident * static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
}

}  // namespace

BOOST_AUTO_TEST_CASE(thousand_generations_keep_rss_flat) {
    bitnet::EngineOptions eo;
    eo.model_path = kModel;
    eo.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    eo.use_environment = false;
    eo.threads = 1;
    bitnet::Engine engine(eo);
    const auto& tok = engine.tokenizer();
    const char* prompts[] = {"Once upon a time", "Lily had a dog", "The sun was", "Tom and Sue went to the park"};

    // Sessions of three sizes take turns, all of them met during warm-up, so the
    // allocator has seen every request size before RSS is first measured.
    constexpr int kRuns = 1000, kWarm = 200, kSessionEvery = 50;
    const int64_t contexts[] = {64, 128, 192};
    std::unique_ptr<bitnet::model::Session> session;
    uint64_t warm_rss = 0, peak_after_warm = 0;
    size_t generated = 0;
    for (int i = 0; i < kRuns; ++i) {
        if (i % kSessionEvery == 0) {  // a fresh session now and then: its buffers come and go too
            session.reset();
            session = std::make_unique<bitnet::model::Session>(engine.model(), engine.dispatcher(),
                                                               contexts[(i / kSessionEvery) % 3]);
        }
        session->reset();
        bitnet::GenerateOptions g;
        g.n_predict = 4 + i % 5;
        g.sampling.seed = static_cast<uint64_t>(i);
        g.sampling.temperature = i % 3 == 0 ? 0.0f : 0.8f;
        g.ignore_eos = i % 2 == 0;
        if (i % 7 == 0) g.stop_strings = {"the"};
        std::string text;
        const auto ids = tok.encode(prompts[i % 4], {.add_bos = true, .parse_special = true});
        const auto r = bitnet::generate(engine, *session, ids, g, [&](std::string_view t) {
            text += t;
            return true;
        });
        generated += r.generated.size();
        BOOST_REQUIRE(r.generated.size() <= static_cast<size_t>(g.n_predict));
        if (i + 1 == kWarm) warm_rss = rss_bytes();
        if (i + 1 > kWarm) peak_after_warm = std::max(peak_after_warm, rss_bytes());
    }
    BOOST_TEST(generated > static_cast<size_t>(kRuns));
    BOOST_TEST_MESSAGE("RSS after " << kWarm << " runs: " << warm_rss / 1024 << " KiB, peak over the next "
                                    << kRuns - kWarm << ": " << peak_after_warm / 1024 << " KiB");
    if (kCheckRss) {
        // Allocator noise is a few pages; a leak of even 1 KiB per run would be ~900 KiB.
        constexpr uint64_t kSlack = 512 * 1024;
        BOOST_TEST(peak_after_warm <= warm_rss + kSlack,
                   "RSS grew from " << warm_rss << " to " << peak_after_warm << " bytes after warm-up");
    }
}
