// SPDX-License-Identifier: MIT
// use_mmap = false (bitnet-run --no-mmap): the weights are read into anonymous
// memory at load. The copy must give the mapped run's logits bit for bit, add
// no file-backed RSS (the file mapping of copied tensors is never touched),
// keep the F16 head mapped when the int8 head replaces it, and say so in the
// receipt.
#define BOOST_TEST_MODULE model_copied_weights
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/receipt.hpp"
#include "bitnet/receipt_verify.hpp"
#include "bitnet/run_receipt.hpp"
#include "bitnet/session.hpp"
#include "proc_status.hpp"
#include "run_command.hpp"

namespace {

using bitnet::test::status_bytes;

namespace fs = std::filesystem;
constexpr uint64_t kMiB = 1024 * 1024;

struct MediumModel {
    fs::path dir = fs::temp_directory_path() / ("bitnet-copied-" + std::to_string(::getpid()));
    std::string path = (dir / "medium.gguf").string();
    MediumModel() {
        fs::create_directories(dir);
        auto made = bitnet::test::run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf",
                                              {"synth", "--preset", "medium", "--seed", "5", "--out", path});
        BOOST_REQUIRE_MESSAGE(made.exit_code == 0, made.err);
    }
    ~MediumModel() { fs::remove_all(dir); }
};

bitnet::EngineOptions options(const std::string& path, bool use_mmap, const std::string& head = "f16") {
    bitnet::EngineOptions o;
    o.model_path = path;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = 2;
    o.use_mmap = use_mmap;
    o.head_precision = head;
    return o;
}

const std::vector<int32_t> kPrompt{1, 300, 301, 302, 303, 304, 305, 306};

std::vector<float> last_logits(bitnet::Engine& engine) {
    bitnet::model::Session session(engine.model(), engine.dispatcher(), 64);
    session.eval(kPrompt);
    const int32_t next = 777;
    auto l = session.eval(std::span<const int32_t>(&next, 1));
    return {l.begin(), l.end()};
}

}  // namespace

BOOST_AUTO_TEST_CASE(copied_weights_give_the_mapped_logits_and_about_file_size_rss) {
    MediumModel m;
    const uint64_t file_size = fs::file_size(m.path);
    std::vector<float> mapped;
    {
        bitnet::Engine engine(options(m.path, true));
        BOOST_TEST(engine.model().copied_bytes() == 0u);
        mapped = last_logits(engine);
    }
    const uint64_t anon_before = status_bytes("RssAnon");
    const uint64_t file_before = status_bytes("RssFile");
    bitnet::Engine engine(options(m.path, false));
    const uint64_t anon_loaded = status_bytes("RssAnon") - anon_before;
    BOOST_TEST_MESSAGE("file " << file_size / kMiB << " MiB, copied " << engine.model().copied_bytes() / kMiB
                               << " MiB, RssAnon +" << anon_loaded / kMiB << " MiB");
    // Every tensor is copied (the header is not), and the copy is resident.
    BOOST_TEST(engine.model().copied_bytes() > file_size - 16 * kMiB);
    BOOST_TEST(engine.model().copied_bytes() <= file_size);
    BOOST_TEST(anon_loaded > engine.model().copied_bytes() - 16 * kMiB);

    const auto copied = last_logits(engine);
    BOOST_REQUIRE_EQUAL(copied.size(), mapped.size());
    BOOST_TEST(std::memcmp(copied.data(), mapped.data(), copied.size() * sizeof(float)) == 0);
    // The mapping was never read: file-backed resident memory did not grow by
    // the weights, so RSS is the copy, not copy + file. (Anonymous memory is not
    // bounded here: sanitizer builds add shadow memory to it.)
    const uint64_t file_grew = status_bytes("RssFile") - file_before;
    BOOST_TEST_MESSAGE("RssFile +" << file_grew / kMiB << " MiB after load and two evaluations");
    BOOST_TEST(file_grew < 32 * kMiB);

    bitnet::GenerateOptions g;
    g.n_predict = 2;
    g.ignore_eos = true;
    g.sampling.temperature = 0;
    bitnet::model::Session session(engine.model(), engine.dispatcher(), 64);
    const auto result = bitnet::generate(engine, session, kPrompt, g, nullptr);
    const auto r = bitnet::collect_receipt(engine, g, result);
    BOOST_TEST(r.model.weights_source == "copied");
    BOOST_TEST(r.model.bytes_copied == engine.model().copied_bytes());
    const auto violations = bitnet::receipt::verify_receipt(bitnet::receipt::receipt_to_json(r));
    BOOST_TEST(violations.empty(), (violations.empty() ? "" : violations.front().rule + ": " + violations.front().detail));
}

BOOST_AUTO_TEST_CASE(the_int8_head_leaves_the_f16_head_mapped) {
    MediumModel m;
    bitnet::Engine full(options(m.path, false));
    bitnet::Engine q8(options(m.path, false, "q8"));
    const auto& embd = q8.model().file().tensor("token_embd.weight");
    BOOST_TEST(q8.model().copied_bytes() + embd.n_bytes <= full.model().copied_bytes());
    BOOST_TEST(q8.model().copied_bytes() + embd.n_bytes + 64 * 16 >= full.model().copied_bytes());
    // Embedding lookups still read the (mapped, partly dropped) F16 table.
    BOOST_TEST(last_logits(q8).size() == static_cast<size_t>(q8.model().config().n_vocab));
}
