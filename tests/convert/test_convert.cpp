// SPDX-License-Identifier: MIT
// bitnet-model convert on a small checkpoint the test writes: the GGUF decodes
// to exactly the checkpoint's ternary weights, scales, norms, embedding and
// vocabulary, and generates exactly what the same model written directly does.
#define BOOST_TEST_MODULE convert_checkpoint
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "greedy_pair.hpp"
#include "run_command.hpp"
#include "tiny_checkpoint.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;
using bitnet::test::run_command;
using bitnet::test::TinyModel;
using bitnet::test::TinyTensor;

const std::string kTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-model";

// Decodes I2_S exactly as FORMAT.md states it, independently of the packer.
std::vector<int8_t> decode_i2s(const uint8_t* p, uint64_t rows, uint64_t k, float& scale) {
    std::vector<int8_t> w(rows * k);
    for (uint64_t r = 0; r < rows; ++r)
        for (uint64_t i = 0; i < k; ++i) {
            const uint64_t block = i / 128, within = i % 128, group = within / 32, b = within % 32;
            const uint8_t byte = p[r * k / 4 + block * 32 + b];
            const int code = (byte >> (6 - 2 * group)) & 3;
            w[r * k + i] = static_cast<int8_t>(code == 3 ? 0 : code - 1);
        }
    std::memcpy(&scale, p + rows * k / 4, 4);
    return w;
}

struct Converted {
    fs::path dir;
    TinyModel model;
    std::string out;
    test::CommandResult result;
};

// Writes the tiny checkpoint and converts it once for the suite.
const Converted& converted() {
    static const Converted c = [] {
        Converted x;
        x.dir = fs::temp_directory_path() / ("bitnet-convert-" + std::to_string(::getpid()));
        fs::remove_all(x.dir);
        x.model = test::make_tiny_model();
        test::write_checkpoint(x.dir / "tiny-bitnet", x.model);
        x.out = (x.dir / "tiny.gguf").string();
        x.result = run_command(kTool, {"convert", (x.dir / "tiny-bitnet").string(), "--out", x.out});
        return x;
    }();
    return c;
}

struct Cleanup {
    ~Cleanup() { fs::remove_all(fs::temp_directory_path() / ("bitnet-convert-" + std::to_string(::getpid()))); }
};
BOOST_TEST_GLOBAL_FIXTURE(Cleanup);

}  // namespace

BOOST_AUTO_TEST_CASE(conversion_succeeds_and_prints_the_output_path) {
    const auto& c = converted();
    BOOST_TEST_INFO("stderr: " << c.result.err);
    BOOST_REQUIRE_EQUAL(c.result.exit_code, 0);
    BOOST_TEST(c.result.out == c.out + "\n");
}

BOOST_AUTO_TEST_CASE(ternary_tensors_decode_to_the_checkpoint_weights_and_absmean_scales) {
    const auto& c = converted();
    BOOST_REQUIRE_EQUAL(c.result.exit_code, 0);
    const gguf::GgufFile f(c.out);
    size_t n_ternary = 0;
    for (const TinyTensor& t : c.model.tensors) {
        if (t.kind != TinyTensor::Ternary) continue;
        ++n_ternary;
        const gguf::TensorInfo& info = f.tensor(t.gguf_name);
        const uint64_t rows = t.hf_shape[0], k = t.hf_shape[1];
        BOOST_TEST(static_cast<uint32_t>(info.type) == 36u, t.gguf_name);
        BOOST_TEST((info.ne == std::vector<uint64_t>{k, rows}), t.gguf_name);
        BOOST_REQUIRE_EQUAL(info.n_bytes, rows * k / 4 + 32);
        float scale = 0;
        const auto w = decode_i2s(info.data, rows, k, scale);
        size_t differ = 0, first = 0;
        for (size_t i = 0; i < w.size(); ++i)
            if (w[i] != t.codes[i] && differ++ == 0) first = i;
        BOOST_TEST(differ == 0u, t.gguf_name << ": " << differ << " weights differ, first at " << first << " ("
                                             << int(w[first]) << " vs " << int(t.codes[first]) << ")");
        BOOST_TEST(scale == t.scale, t.gguf_name << ": scale " << scale << " vs mean |W| " << t.scale);
    }
    BOOST_TEST(n_ternary == 14u);
}

BOOST_AUTO_TEST_CASE(scaled_patterns_keep_their_ternary_values) {
    // Sanity of the fixture: a pattern times a scale ternarises back to itself.
    const TinyModel m = test::make_tiny_model();
    for (const TinyTensor& t : m.tensors) {
        if (t.kind != TinyTensor::Ternary || t.gguf_name == "blk.1.attn_q.weight") continue;
        bool same = true;
        for (size_t i = 0; i < t.values.size() && same; ++i) same = t.codes[i] == (t.values[i] > 0) - (t.values[i] < 0);
        BOOST_TEST(same, t.gguf_name);
    }
}

BOOST_AUTO_TEST_CASE(norms_and_embedding_keep_their_values) {
    const auto& c = converted();
    BOOST_REQUIRE_EQUAL(c.result.exit_code, 0);
    const gguf::GgufFile f(c.out);
    for (const TinyTensor& t : c.model.tensors) {
        const gguf::TensorInfo& info = f.tensor(t.gguf_name);
        if (t.kind == TinyTensor::Norm) {
            BOOST_TEST(static_cast<uint32_t>(info.type) == 0u, t.gguf_name);
            BOOST_REQUIRE_EQUAL(info.n_bytes, t.values.size() * 4);
            BOOST_TEST(std::memcmp(info.data, t.values.data(), info.n_bytes) == 0, t.gguf_name << " differs");
        } else if (t.kind == TinyTensor::Embedding) {
            BOOST_TEST(static_cast<uint32_t>(info.type) == 1u);
            BOOST_TEST((info.ne == std::vector<uint64_t>{t.hf_shape[1], t.hf_shape[0]}));
            const std::string want = test::tensor_bytes(t);  // F16 in the checkpoint: bits unchanged
            BOOST_REQUIRE_EQUAL(info.n_bytes, want.size());
            BOOST_TEST(std::memcmp(info.data, want.data(), want.size()) == 0, "token_embd differs");
        }
    }
    BOOST_TEST(f.tensors().size() == c.model.tensors.size());
    BOOST_TEST(!f.find_tensor("output.weight"), "the tied lm_head must not become a tensor");
}

BOOST_AUTO_TEST_CASE(hyper_parameters_and_vocabulary_come_from_the_checkpoint) {
    const auto& c = converted();
    BOOST_REQUIRE_EQUAL(c.result.exit_code, 0);
    const gguf::GgufFile f(c.out);
    const auto& hp = c.model.hp;
    const std::string a = "bitnet-b1.58.";
    BOOST_TEST(f.get_string("general.architecture") == "bitnet-b1.58");
    BOOST_TEST(f.get_string("general.name") == "tiny-bitnet");
    BOOST_TEST(f.get_uint("general.file_type") == 40u);
    BOOST_TEST(f.get_uint(a + "block_count") == hp.n_layer);
    BOOST_TEST(f.get_uint(a + "embedding_length") == hp.n_embd);
    BOOST_TEST(f.get_uint(a + "feed_forward_length") == hp.n_ff);
    BOOST_TEST(f.get_uint(a + "attention.head_count") == hp.n_head);
    BOOST_TEST(f.get_uint(a + "attention.head_count_kv") == hp.n_head_kv);
    BOOST_TEST(f.get_uint(a + "context_length") == hp.n_ctx);
    BOOST_TEST(f.get_uint(a + "vocab_size") == 280u);
    BOOST_TEST(f.get_uint(a + "rope.dimension_count") == 64u);
    BOOST_TEST(f.get_float(a + "rope.freq_base") == 10000.0);
    BOOST_TEST(static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon")) == 1e-5f);

    const tokenizer::Vocabulary v = tokenizer::read_vocabulary(f);
    BOOST_TEST(v.model == "gpt2");
    BOOST_TEST(v.pre.value_or("") == "llama-bpe");
    BOOST_TEST(v.tokens == c.model.vocab.tokens);
    BOOST_TEST(v.types == c.model.vocab.types);
    BOOST_TEST(v.merges == c.model.merges);
    BOOST_TEST(v.bos == 277);
    BOOST_TEST(v.eos == 278);
    BOOST_TEST(v.add_bos.value_or(false));
    BOOST_TEST(v.tokens[270] == "[PAD270]");
}

BOOST_AUTO_TEST_CASE(generates_the_same_tokens_and_logits_as_the_model_written_directly) {
    const auto& c = converted();
    BOOST_REQUIRE_EQUAL(c.result.exit_code, 0);
    const std::string ref = (c.dir / "reference.gguf").string();
    test::write_reference_gguf(ref, c.model);
    const auto [a, b] = test::greedy_pair(c.dir, c.out, ref, 32);
    BOOST_TEST_INFO("converted: " << a.err << "\nreference: " << b.err);
    BOOST_REQUIRE_EQUAL(a.exit_code, 0);
    BOOST_REQUIRE_EQUAL(b.exit_code, 0);
    BOOST_TEST(a.out == b.out);
    BOOST_TEST(a.out.size() > std::string("the wind on the water\n").size(), "nothing was generated");
    const std::string la = test::read_file_text(c.dir / "a.f32"), lb = test::read_file_text(c.dir / "b.f32");
    BOOST_TEST(la.size() == 280u * 4);
    BOOST_TEST(la == lb, "first-step logits differ");
}
