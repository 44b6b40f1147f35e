// SPDX-License-Identifier: MIT
// Limits: metadata that asks for absurd sizes, contexts larger than the model or
// the machine, prompts and -n that do not fit, and model files that cannot be
// read or change under a running engine. Each must end in one clear
// bitnet::Error (or one "error:" line from bitnet-run) before anything large is
// allocated.
#define BOOST_TEST_MODULE hardening_limits
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <new>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/model.hpp"
#include "bitnet/session.hpp"
#include "bitnet/tokenizer.hpp"
#include "run_command.hpp"
#include "tiny_model.hpp"

// Every operator new of the process goes through here, so a test can ask for the
// largest single allocation made while something was being rejected.
namespace {
std::atomic<size_t> g_largest_new{0};
void* counted_new(size_t n) {
    size_t seen = g_largest_new.load(std::memory_order_relaxed);
    while (n > seen && !g_largest_new.compare_exchange_weak(seen, n, std::memory_order_relaxed)) {
    }
    if (void* p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
}  // namespace
void* operator new(size_t n) { return counted_new(n); }
void* operator new[](size_t n) { return counted_new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
// The nothrow forms too (std::stable_sort's buffer uses them): left to the
// library, they would allocate with its operator new and be freed by the plain
// delete above, a mismatch ASan reports.
void* operator new(size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_new(n);
    } catch (const std::bad_alloc&) {
        return nullptr;
    }
}
void* operator new[](size_t n, const std::nothrow_t& t) noexcept { return operator new(n, t); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

namespace fs = std::filesystem;
using bitnet::test::TinyModelSpec;
using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kDemo = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="};
constexpr size_t kSmall = size_t{16} << 20;  // "nothing large": no single allocation above 16 MiB

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "bitnet-limits-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() { fs::remove_all(path); }
};

bitnet::EngineOptions engine_options(const std::string& model) {
    bitnet::EngineOptions o;
    o.model_path = model;
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = 1;
    return o;
}

// Loads `spec` as a Model and expects a bitnet::Error containing `what`, with no
// single allocation above kSmall on the way.
void expect_model_rejected(const TinyModelSpec& spec, const std::string& what) {
    TempDir t;
    const std::string path = (t.path / "m.gguf").string();
    bitnet::test::tiny_model_writer(spec).write(path);
    g_largest_new = 0;
    try {
        bitnet::model::Model m(path);
        BOOST_ERROR("model accepted; wanted an error containing '" << what << "'");
    } catch (const bitnet::Error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.rfind(path + ": ", 0) == 0, msg);
        BOOST_TEST(msg.find(what) != std::string::npos, "message: " << msg << "\nwant: " << what);
    }
    BOOST_TEST(g_largest_new.load() <= kSmall, "largest allocation " << g_largest_new.load() << " bytes");
}

uint64_t memory_and_swap_bytes() {
    std::ifstream in("/proc/meminfo");
    uint64_t total = 0;
    for (std::string key; in >> key;) {
        uint64_t kib = 0;
        std::string unit;
        in >> kib >> unit;
        if (key == "MemTotal:" || key == "SwapTotal:") total += kib * 1024;
    }
    return total;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tiny_model_loads_and_generates) {
    // The control for every rejection below: the honest tiny model works.
    TempDir t;
    const std::string path = (t.path / "tiny.gguf").string();
    bitnet::test::tiny_model_writer().write(path);
    bitnet::Engine engine(engine_options(path));
    bitnet::model::Session session(engine.model(), engine.dispatcher());
    bitnet::GenerateOptions g;
    g.n_predict = 8;
    g.ignore_eos = true;
    g.sampling.temperature = 0.0f;
    const auto r = bitnet::generate(engine, session, engine.tokenizer().encode("a b", {}), g, {});
    BOOST_TEST(r.generated.size() == 8u);
}

BOOST_AUTO_TEST_CASE(rejects_context_length_of_two_to_the_forty) {
    TinyModelSpec s;
    s.n_ctx = uint64_t{1} << 40;
    expect_model_rejected(s, "invalid hyper-parameters: context_length 1099511627776");
}

BOOST_AUTO_TEST_CASE(rejects_head_count_that_does_not_divide_the_embedding) {
    TinyModelSpec s;
    s.n_head = 3;
    s.n_head_kv = 3;
    expect_model_rejected(s, "invalid hyper-parameters: head_count 3 does not divide embedding_length");
}

BOOST_AUTO_TEST_CASE(rejects_kv_head_count_that_does_not_divide_the_head_count) {
    TinyModelSpec s;
    s.n_head_kv = 3;
    expect_model_rejected(s, "invalid hyper-parameters: head_count_kv 3 does not divide head_count");
}

BOOST_AUTO_TEST_CASE(rejects_a_billion_layers) {
    TinyModelSpec s;
    s.n_layer = 1000000000;
    expect_model_rejected(s, "invalid hyper-parameters: block_count 1000000000");
}

BOOST_AUTO_TEST_CASE(rejects_zero_heads) {
    TinyModelSpec s;
    s.n_head = 0;
    expect_model_rejected(s, "invalid hyper-parameters: head_count 0");
}

BOOST_AUTO_TEST_CASE(context_larger_than_the_machine_is_refused_before_allocating) {
    // Valid metadata and tensors, but the full training context of 4M tokens
    // over 64 layers needs a 128 GiB KV cache.
    TinyModelSpec s;
    s.n_ctx = uint64_t{1} << 22;
    s.n_layer = 64;
    s.n_head_kv = 4;
    const uint64_t need = 2ull * 64 * (1ull << 22) * 128 * 2;
    if (memory_and_swap_bytes() >= need) {
        BOOST_TEST_MESSAGE("skipped: this machine has more than " << (need >> 30) << " GiB");
        return;
    }
    TempDir t;
    const std::string path = (t.path / "long.gguf").string();
    bitnet::test::tiny_model_writer(s).write(path);
    bitnet::Engine engine(engine_options(path));
    g_largest_new = 0;
    try {
        bitnet::model::Session session(engine.model(), engine.dispatcher());
        BOOST_ERROR("session of 4M tokens accepted");
    } catch (const bitnet::Error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("context of 4194304 tokens needs ") == 0, msg);
        BOOST_TEST(msg.find("use a smaller context") != std::string::npos, msg);
    }
    BOOST_TEST(g_largest_new.load() <= kSmall, "largest allocation " << g_largest_new.load() << " bytes");
    // A context that fits is fine with the same model.
    bitnet::model::Session small(engine.model(), engine.dispatcher(), 256);
    BOOST_TEST(small.context_size() == 256);
}

BOOST_AUTO_TEST_CASE(context_above_the_training_context_is_an_error) {
    auto r = run_command(kRun, {"-m", kDemo, "-p", "x", "-c", "1099511627776"}, kCleanEnv);
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: context size 1099511627776 exceeds the model's training context") == 0, r.err);
}

BOOST_AUTO_TEST_CASE(prompt_longer_than_the_context_is_an_error) {
    auto r = run_command(kRun, {"-m", kDemo, "-c", "4", "-p", "Once upon a time there was a dog"}, kCleanEnv);
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: prompt of ") == 0, r.err);
    BOOST_TEST(r.err.find("does not fit the context of 4 tokens") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(n_predict_past_the_context_is_an_error_before_generating) {
    const std::string prompt = "Once upon a time";
    bitnet::gguf::GgufFile demo(kDemo);
    const auto n_prompt = static_cast<int64_t>(bitnet::tokenizer::load_tokenizer(demo)->encode(prompt, {}).size());
    // n tokens need prompt + n - 1 positions: the last sampled token is never evaluated.
    const int64_t n = 4, ctx = n_prompt + n - 1;
    auto run = [&](int64_t n_predict) {
        return run_command(kRun, {"-m", kDemo, "-c", std::to_string(ctx), "-n", std::to_string(n_predict), "-p",
                                  prompt, "--ignore-eos"},
                           kCleanEnv);
    };
    auto too_many = run(n + 1);
    BOOST_TEST(!too_many.signaled);
    BOOST_TEST(too_many.exit_code != 0);
    BOOST_TEST(too_many.err == "error: -n " + std::to_string(n + 1) + " does not fit the context of " +
                                   std::to_string(ctx) + " tokens after a prompt of " + std::to_string(n_prompt) +
                                   " (lower -n or raise -c)\n");
    BOOST_TEST(too_many.out.empty(), "nothing is printed before the error: " << too_many.out);
    auto exact = run(n);
    BOOST_TEST(exact.exit_code == 0, exact.err);
    // -n -1 means "until the context is full", never an error.
    auto fill = run(-1);
    BOOST_TEST(fill.exit_code == 0, fill.err);
}

BOOST_AUTO_TEST_CASE(fifo_as_model_fails_instead_of_blocking) {
    TempDir t;
    const fs::path fifo = t.path / "model.gguf";
    BOOST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // timeout(1) turns a hang into exit status 124.
    auto r = run_command("/usr/bin/timeout", {"30", kRun, "-m", fifo.string(), "-p", "x"}, kCleanEnv);
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code == 1, "exit " << r.exit_code << " (124: it blocked)");
    BOOST_TEST(r.err == "error: " + fifo.string() + ": not a regular file\n");
}

BOOST_AUTO_TEST_CASE(directory_or_unreadable_file_as_model_is_an_error) {
    TempDir t;
    auto dir = run_command(kRun, {"-m", t.path.string(), "-p", "x"}, kCleanEnv);
    BOOST_TEST(dir.err == "error: " + t.path.string() + ": not a regular file\n");
    if (::geteuid() == 0) {
        BOOST_TEST_MESSAGE("skipped the permission case: root reads any file");
        return;
    }
    const fs::path locked = t.path / "locked.gguf";
    fs::copy_file(kDemo, locked);
    fs::permissions(locked, fs::perms::none);
    auto r = run_command(kRun, {"-m", locked.string(), "-p", "x"}, kCleanEnv);
    BOOST_TEST(r.err == "error: " + locked.string() + ": cannot open: Permission denied\n");
}

BOOST_AUTO_TEST_CASE(model_replaced_on_disk_does_not_disturb_a_loaded_engine) {
    // The engine maps the file it opened: a new file renamed over the path (how
    // package managers and cp --remove-destination replace files) leaves the
    // mapping on the old inode. Truncating the mapped file in place is not
    // survivable (SIGBUS on the next touch of a lost page); README, Hardening.
    TempDir t;
    const fs::path model = t.path / "m.gguf";
    fs::copy_file(kDemo, model);
    bitnet::Engine engine(engine_options(model.string()));
    auto run = [&] {
        bitnet::model::Session session(engine.model(), engine.dispatcher(), 64);
        bitnet::GenerateOptions g;
        g.n_predict = 16;
        g.ignore_eos = true;
        g.sampling.temperature = 0.0f;
        return bitnet::generate(engine, session, engine.tokenizer().encode("Once upon a time", {}), g, {}).generated;
    };
    const auto before = run();
    {
        std::ofstream(t.path / "new.gguf") << "not a model";
    }
    fs::rename(t.path / "new.gguf", model);
    BOOST_TEST(run() == before, "generation changed after the file was replaced");
}

// Files whose graph differs from every row of the architecture table in a way the
// loader can see are refused by name, not run as something else.
BOOST_AUTO_TEST_CASE(rejects_graph_features_no_architecture_row_implements) {
    TinyModelSpec s;
    s.architecture = "bitnet";
    s.tied_output = false;
    expect_model_rejected(s, "tensor output.weight: architecture bitnet ties the head to token_embd.weight");

    s = {};
    s.architecture = "llama";
    s.extra = [](bitnet::gguf::GgufWriter& w) {
        w.set_string("llama.rope.scaling.type", "linear");
        w.set_f32("llama.rope.scaling.factor", 2.0f);
    };
    expect_model_rejected(s, "rope.scaling.type 'linear' with factor 2.000000 is not supported");
    s.extra = [](bitnet::gguf::GgufWriter& w) { w.set_string("llama.rope.scaling.type", "yarn"); };
    expect_model_rejected(s, "rope.scaling.type 'yarn' is not supported");
    s.extra = [](bitnet::gguf::GgufWriter& w) { w.set_u32("llama.attention.key_length", 64); };
    expect_model_rejected(s, "attention.key_length 64 differs from embedding_length / head_count 32");
    s.extra = [](bitnet::gguf::GgufWriter& w) { bitnet::test::add_f32(w, "rope_freqs.weight", 16, 1.0f); };
    expect_model_rejected(s, "tensor rope_freqs.weight (Llama 3.1 RoPE scaling) is not supported");
    s.extra = [](bitnet::gguf::GgufWriter& w) { bitnet::test::add_f32(w, "blk.0.attn_q.scale", 1, 2.0f); };
    expect_model_rejected(s, "tensor blk.0.attn_q.scale: separate projection scales are not supported");

    s = {};
    s.architecture = "gpt2";
    expect_model_rejected(s, "unsupported architecture 'gpt2' (this runtime runs bitnet-b1.58, bitnet-25, bitnet, llama)");
}
