// SPDX-License-Identifier: MIT
// What bitnet-model convert refuses, and how: one "error:" line that says what
// is wrong, and no GGUF left behind.
#define BOOST_TEST_MODULE convert_refusals
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "run_command.hpp"
#include "tiny_checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;
using bitnet::test::run_command;

const std::string kTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-model";

struct Case {
    fs::path dir, ckpt, out;
    test::TinyModel model = test::make_tiny_model();
    explicit Case(const std::string& name) {
        dir = fs::temp_directory_path() / ("bitnet-refuse-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        ckpt = dir / "ckpt";
        out = dir / "out.gguf";
        test::write_checkpoint(ckpt, model);
    }
    ~Case() { fs::remove_all(dir); }

    // Runs convert and checks the failure's shape; returns stderr.
    std::string refused() const {
        const auto r = run_command(kTool, {"convert", ckpt.string(), "--out", out.string()});
        BOOST_TEST(!r.signaled);
        BOOST_TEST(r.exit_code == 1);
        BOOST_TEST(r.err.rfind("error: ", 0) == 0, "stderr: " << r.err);
        BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "want one line: " << r.err);
        BOOST_TEST(!fs::exists(out), "a GGUF was left behind");
        BOOST_TEST(!fs::exists(out.string() + ".part"), "a partial GGUF was left behind");
        return r.err;
    }
    void replace_shard2(std::vector<test::StEntry> entries) const {
        test::write_safetensors(ckpt / "model-00002-of-00002.safetensors", entries);
    }
    std::vector<test::StEntry> shard2() const {
        std::vector<test::StEntry> b;
        for (const auto& t : model.tensors)
            if (t.hf_name.find("layers.1.") != std::string::npos) b.push_back(test::st_entry(t));
        return b;
    }
};

bool has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_CASE(refuses_other_architectures_naming_the_supported_one) {
    Case c("arch");
    std::ofstream(c.ckpt / "config.json") << test::config_json(c.model, "LlamaForCausalLM");
    const std::string err = c.refused();
    BOOST_TEST(has(err, "architecture LlamaForCausalLM is not supported; bitnet-model convert supports "
                        "BitNetForCausalLM"),
               err);
}

// 1bitLLM's architecture name with the 2B-4T's squared ReLU: not the bitnet graph.
BOOST_AUTO_TEST_CASE(refuses_an_activation_the_family_does_not_compute) {
    Case c("oldbitnet");
    std::ofstream(c.ckpt / "config.json") << test::config_json(c.model, "BitnetForCausalLM", "relu2");
    const std::string err = c.refused();
    BOOST_TEST(has(err, "hidden_act must be silu, as the bitnet graph computes it"), err);
}

BOOST_AUTO_TEST_CASE(refuses_prepacked_u8_weights_pointing_to_the_bf16_checkpoint) {
    Case c("packed");
    auto b = c.shard2();
    for (auto& e : b)
        if (e.name == "model.layers.1.mlp.up_proj.weight") {
            e.dtype = "U8";
            e.shape = {e.shape[0] / 4, e.shape[1]};
            e.bytes = std::string(e.shape[0] * e.shape[1], '\x55');
        }
    c.replace_shard2(b);
    const std::string err = c.refused();
    BOOST_TEST(has(err, "model.layers.1.mlp.up_proj.weight is U8"), err);
    BOOST_TEST(has(err, "microsoft/bitnet-b1.58-2B-4T-bf16"), err);
}

BOOST_AUTO_TEST_CASE(refuses_data_offsets_past_the_end_of_the_file) {
    Case c("offsets");
    const fs::path p = c.ckpt / "model-00002-of-00002.safetensors";
    fs::resize_file(p, fs::file_size(p) - 1000);  // the header still claims every byte
    const std::string err = c.refused();
    BOOST_TEST(has(err, p.string() + ": tensor model.layers.1.mlp.down_proj.weight: data_offsets ["), err);
    BOOST_TEST(has(err, "outside the"), err);
}

BOOST_AUTO_TEST_CASE(refuses_a_header_length_past_the_end_of_the_file) {
    Case c("headerlen");
    const fs::path p = c.ckpt / "model-00002-of-00002.safetensors";
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    const uint64_t huge = uint64_t{1} << 40;
    f.write(reinterpret_cast<const char*>(&huge), 8);
    f.close();
    const std::string err = c.refused();
    BOOST_TEST(has(err, p.string() + ": header length 1099511627776 does not fit the file"), err);
}

BOOST_AUTO_TEST_CASE(refuses_a_missing_tensor_by_name) {
    Case c("missing");
    auto b = c.shard2();
    std::erase_if(b, [](const test::StEntry& e) { return e.name == "model.layers.1.self_attn.attn_sub_norm.weight"; });
    c.replace_shard2(b);
    BOOST_TEST(has(c.refused(), "the checkpoint has no tensor model.layers.1.self_attn.attn_sub_norm.weight"));
}

BOOST_AUTO_TEST_CASE(refuses_tensors_that_are_not_part_of_the_architecture) {
    Case c("unknown");
    auto b = c.shard2();
    b.push_back({"model.layers.1.self_attn.q_proj.bias", "F32", {256}, std::string(1024, '\0')});
    c.replace_shard2(b);
    const std::string err = c.refused();
    BOOST_TEST(has(err, "1 tensors are not part of BitNetForCausalLM (model.layers.1.self_attn.q_proj.bias)"), err);
}

BOOST_AUTO_TEST_CASE(refuses_shapes_that_disagree_with_config) {
    Case c("shape");
    c.model.hp.n_ff = 640;  // config says 640, the tensors are 768 wide
    std::ofstream(c.ckpt / "config.json") << test::config_json(c.model);
    const std::string err = c.refused();
    BOOST_TEST(has(err, "has shape [768, 256], config.json implies [640, 256]"), err);
}

BOOST_AUTO_TEST_CASE(refuses_a_pre_tokenizer_other_than_llama3s) {
    Case c("pretok");
    const fs::path p = c.ckpt / "tokenizer.json";
    std::string text = test::read_file_text(p);
    const std::string from = R"(\\p{N}{1,3})", to = R"(\\p{N}+)";
    const size_t at = text.find(from);
    BOOST_REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(p, std::ios::binary) << text;
    BOOST_TEST(has(c.refused(), "split pattern is not Llama 3's"));
}

BOOST_AUTO_TEST_CASE(refuses_a_directory_without_a_tokenizer) {
    Case c("notok");
    fs::remove(c.ckpt / "tokenizer.json");
    BOOST_TEST(has(c.refused(), "no tokenizer: want a byte-level BPE tokenizer.json or a SentencePiece tokenizer.model"));
}
