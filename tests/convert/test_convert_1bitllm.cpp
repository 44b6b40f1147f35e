// SPDX-License-Identifier: MIT
// bitnet-model convert on a 1bitLLM-style checkpoint (BitnetForCausalLM): the
// GGUF is the bitnet family with the sub-norms under bitnet.cpp's names, the
// keys llama.cpp's converter writes, and the same generation as the model
// written straight to GGUF; an lm_head that is not the embedding is refused.
#define BOOST_TEST_MODULE convert_1bitllm
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "bitnet/gguf.hpp"
#include "greedy_pair.hpp"
#include "run_command.hpp"
#include "tiny_checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;
using bitnet::test::run_command;

const std::string kTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-model";

struct Dir {
    fs::path path = fs::temp_directory_path() / ("bitnet-convert-1bitllm-" + std::to_string(::getpid()));
    Dir() {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Dir() { fs::remove_all(path); }
};

const test::TinyTensor& tensor(const test::TinyModel& m, const std::string& gguf_name) {
    for (const auto& t : m.tensors)
        if (t.gguf_name == gguf_name) return t;
    throw std::runtime_error("no tensor " + gguf_name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(converts_to_the_bitnet_family_and_generates_as_the_model_written_directly) {
    Dir d;
    const auto m = test::make_tiny_1bitllm_model();
    test::write_checkpoint(d.path / "ckpt", m);
    const std::string out = (d.path / "1bitllm.gguf").string();
    const auto r = run_command(kTool, {"convert", (d.path / "ckpt").string(), "--out", out});
    BOOST_REQUIRE_MESSAGE(r.exit_code == 0, r.err);

    const gguf::GgufFile f(out);
    BOOST_TEST(f.get_string("general.architecture") == "bitnet");
    BOOST_TEST(f.get_string("bitnet.rope.scaling.type") == "linear");
    BOOST_TEST(f.get_float("bitnet.rope.scaling.factor") == 1.0);
    BOOST_TEST(!f.find_tensor("output.weight"), "the bitnet graph has no output tensor");
    // inner_attn_ln and ffn_layernorm land under bitnet.cpp's sub-norm names.
    for (const char* name : {"blk.1.attn_sub_norm.weight", "blk.0.ffn_sub_norm.weight"}) {
        const auto& want = tensor(m, name);
        BOOST_TEST(want.hf_name.find("_sub_norm") == std::string::npos);
        const auto& got = f.tensor(name);
        BOOST_TEST_REQUIRE(got.n_bytes == want.values.size() * 4);
        BOOST_TEST(std::memcmp(got.data, want.values.data(), got.n_bytes) == 0, name);
    }

    const std::string ref = (d.path / "reference.gguf").string();
    test::write_reference_gguf(ref, m);
    const auto [a, b] = test::greedy_pair(d.path, out, ref, 24);
    BOOST_TEST_INFO("converted: " << a.err << "\nreference: " << b.err);
    BOOST_REQUIRE_EQUAL(a.exit_code, 0);
    BOOST_REQUIRE_EQUAL(b.exit_code, 0);
    BOOST_TEST(a.out == b.out);
    BOOST_TEST(a.out.size() > std::string("the wind on the water\n").size(), "nothing was generated");
    BOOST_TEST(test::read_file_text(d.path / "a.f32") == test::read_file_text(d.path / "b.f32"),
               "first-step logits differ");
}

BOOST_AUTO_TEST_CASE(refuses_an_lm_head_that_is_not_the_embedding) {
    Dir d;
    const auto m = test::make_tiny_1bitllm_model();
    test::write_checkpoint(d.path / "ckpt", m);
    std::vector<test::StEntry> a;
    for (const auto& t : m.tensors)
        if (t.hf_name.find("layers.1.") == std::string::npos) a.push_back(test::st_entry(t));
    test::StEntry head = test::st_entry(m.tensors.front());
    head.name = "lm_head.weight";
    head.bytes[0] = static_cast<char>(head.bytes[0] ^ 1);
    a.push_back(head);
    test::write_safetensors(d.path / "ckpt" / "model-00001-of-00002.safetensors", a);
    const std::string out = (d.path / "x.gguf").string();
    const auto r = run_command(kTool, {"convert", (d.path / "ckpt").string(), "--out", out});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("lm_head.weight differs from model.embed_tokens.weight") != std::string::npos, r.err);
    BOOST_TEST(!fs::exists(out));
}
