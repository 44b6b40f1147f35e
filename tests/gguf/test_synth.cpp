// SPDX-License-Identifier: MIT
// `bitnet-gguf synth`: the files it writes are genuine bitnet-b1.58 I2_S models
// (names, shapes, types, keys), their weights decode to balanced ternary values,
// the vocabulary works with the tokenizer, and a seed reproduces the file.
#define BOOST_TEST_MODULE gguf_synth
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <map>
#include <set>

#include "bitnet/f16.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "gguf_test_util.hpp"
#include "run_tool.hpp"

using namespace bitnet::gguf;
using bitnet::test::run_tool;
using bitnet::test::TempDir;

namespace {

const std::string kTool = bitnet::test::tool_path("bitnet-gguf");
const std::string kStories = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

std::string synth(const TempDir& dir, const std::string& name, std::vector<std::string> extra) {
    const std::string out = dir.file(name);
    std::vector<std::string> args{"synth", "--out", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const auto r = run_tool(kTool, args);
    BOOST_TEST_INFO("stdout: " << r.out << "\nstderr: " << r.err);
    BOOST_REQUIRE(r.exited);
    BOOST_REQUIRE(r.status == 0);
    return out;
}

// Code counts (0, 1, 2, 3) of an I2_S tensor, decoded as FORMAT.md lays it out.
std::array<uint64_t, 4> code_counts(const TensorInfo& t) {
    std::array<uint64_t, 4> c{};
    const uint64_t k = t.ne[0], rows = t.n_elements() / k;
    for (uint64_t r = 0; r < rows; ++r)
        for (uint64_t blk = 0; blk < k / 128; ++blk)
            for (uint64_t b = 0; b < 32; ++b)
                for (int j = 0; j < 4; ++j) ++c[(t.data[r * k / 4 + 32 * blk + b] >> (6 - 2 * j)) & 3];
    return c;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tiny_preset_has_the_bitnet_b158_layout) {
    TempDir dir;
    GgufFile f(synth(dir, "tiny.gguf", {"--preset", "tiny", "--seed", "7"}));
    BOOST_TEST(f.get_string("general.architecture") == "bitnet-b1.58");
    BOOST_TEST(f.get_uint("general.file_type") == 40u);
    const std::string a = "bitnet-b1.58.";
    BOOST_TEST(f.get_uint(a + "block_count") == 2u);
    BOOST_TEST(f.get_uint(a + "embedding_length") == 256u);
    BOOST_TEST(f.get_uint(a + "feed_forward_length") == 768u);
    BOOST_TEST(f.get_uint(a + "attention.head_count") == 4u);
    BOOST_TEST(f.get_uint(a + "attention.head_count_kv") == 2u);
    BOOST_TEST(f.get_uint(a + "rope.dimension_count") == 64u);
    BOOST_TEST(f.get_uint(a + "vocab_size") == 1024u);
    BOOST_TEST(f.get_uint(a + "context_length") > 0u);
    BOOST_TEST(f.get_float(a + "attention.layer_norm_rms_epsilon") == double(1e-5f));
    BOOST_TEST(f.get_float(a + "rope.freq_base") > 0.0);

    std::map<TensorType, int> counts;
    for (const TensorInfo& t : f.tensors()) ++counts[t.type];
    BOOST_TEST(f.tensors().size() == 24u);
    BOOST_TEST(counts[TensorType::I2_S] == 14);
    BOOST_TEST(counts[TensorType::F32] == 9);
    BOOST_TEST(counts[TensorType::F16] == 1);

    using Shape = std::vector<uint64_t>;
    const std::map<std::string, std::pair<TensorType, Shape>> expect = {
        {"token_embd.weight", {TensorType::F16, {256, 1024}}},
        {"output_norm.weight", {TensorType::F32, {256}}},
        {"blk.1.attn_norm.weight", {TensorType::F32, {256}}},
        {"blk.1.attn_q.weight", {TensorType::I2_S, {256, 256}}},
        {"blk.1.attn_k.weight", {TensorType::I2_S, {256, 128}}},
        {"blk.1.attn_v.weight", {TensorType::I2_S, {256, 128}}},
        {"blk.1.attn_sub_norm.weight", {TensorType::F32, {256}}},
        {"blk.1.attn_output.weight", {TensorType::I2_S, {256, 256}}},
        {"blk.1.ffn_norm.weight", {TensorType::F32, {256}}},
        {"blk.1.ffn_gate.weight", {TensorType::I2_S, {256, 768}}},
        {"blk.1.ffn_up.weight", {TensorType::I2_S, {256, 768}}},
        {"blk.1.ffn_sub_norm.weight", {TensorType::F32, {768}}},
        {"blk.1.ffn_down.weight", {TensorType::I2_S, {768, 256}}},
    };
    for (const auto& [name, want] : expect) {
        BOOST_TEST_INFO("tensor " << name);
        const TensorInfo* t = f.find_tensor(name);
        BOOST_REQUIRE(t != nullptr);
        BOOST_TEST(t->type == want.first);
        BOOST_TEST(t->ne == want.second, boost::test_tools::per_element());
    }
    BOOST_TEST(f.find_tensor("output.weight") == nullptr);
}

BOOST_AUTO_TEST_CASE(ternary_weights_are_balanced_and_scaled) {
    TempDir dir;
    GgufFile f(synth(dir, "tiny.gguf", {"--preset", "tiny"}));
    std::array<uint64_t, 4> total{};
    for (const TensorInfo& t : f.tensors()) {
        if (t.type != TensorType::I2_S) continue;
        BOOST_TEST_INFO("tensor " << t.name);
        const auto c = code_counts(t);
        BOOST_TEST(c[3] == 0u);  // only -1, 0, +1
        const double n = static_cast<double>(t.n_elements());
        for (int v = 0; v < 3; ++v) BOOST_TEST(std::abs(c[v] / n - 1.0 / 3) < 0.02);
        for (int v = 0; v < 4; ++v) total[v] += c[v];
        float scale;
        std::memcpy(&scale, t.data + t.n_elements() / 4, 4);
        BOOST_TEST((std::isfinite(scale) && scale > 0.0f && scale < 1.0f));
    }
    const double n = static_cast<double>(total[0] + total[1] + total[2]);
    BOOST_TEST_MESSAGE("-1/0/+1 shares: " << total[0] / n << " " << total[1] / n << " " << total[2] / n);
    for (int v = 0; v < 3; ++v) BOOST_TEST(std::abs(total[v] / n - 1.0 / 3) < 0.005);
}

BOOST_AUTO_TEST_CASE(embedding_is_small_and_norms_are_near_one) {
    TempDir dir;
    GgufFile f(synth(dir, "tiny.gguf", {"--preset", "tiny"}));
    const TensorInfo& emb = f.tensor("token_embd.weight");
    double sum = 0, sq = 0;
    for (uint64_t i = 0; i < emb.n_elements(); ++i) {
        uint16_t h;
        std::memcpy(&h, emb.data + 2 * i, 2);
        const double x = bitnet::f16_to_f32(h);
        sum += x;
        sq += x * x;
    }
    const double n = static_cast<double>(emb.n_elements());
    const double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
    BOOST_TEST(std::abs(mean) < 0.001);
    BOOST_TEST(std::abs(sd - 0.02) < 0.001);
    for (const TensorInfo& t : f.tensors()) {
        if (t.type != TensorType::F32) continue;
        for (uint64_t i = 0; i < t.n_elements(); ++i) {
            float v;
            std::memcpy(&v, t.data + 4 * i, 4);
            BOOST_TEST_INFO("tensor " << t.name << " [" << i << "]");
            BOOST_TEST(std::abs(v - 1.0f) < 0.2f);
        }
    }
}

BOOST_AUTO_TEST_CASE(synthesised_vocabulary_is_a_working_sentencepiece_vocabulary) {
    TempDir dir;
    GgufFile f(synth(dir, "small.gguf", {"--preset", "small"}));
    BOOST_TEST(f.get_uint("bitnet-b1.58.embedding_length") == 512u);
    BOOST_TEST(f.tensors().size() == 4u * 11 + 2);
    BOOST_TEST(f.get_string("tokenizer.ggml.model") == "llama");
    const auto tokens = f.get_string_array("tokenizer.ggml.tokens");
    const auto types = f.get_int_array("tokenizer.ggml.token_type");
    const auto scores = f.get_float_array("tokenizer.ggml.scores");
    BOOST_REQUIRE(tokens.size() == 1024u);
    BOOST_REQUIRE(types.size() == 1024u);
    BOOST_REQUIRE(scores.size() == 1024u);
    BOOST_TEST(tokens[0] == "<unk>");
    BOOST_TEST(types[0] == 2);
    BOOST_TEST(tokens[1] == "<s>");
    BOOST_TEST(types[1] == 3);
    BOOST_TEST(tokens[2] == "</s>");
    BOOST_TEST(types[2] == 3);
    BOOST_TEST(tokens[3] == "<0x00>");
    BOOST_TEST(tokens[3 + 0x0a] == "<0x0A>");
    BOOST_TEST(tokens[258] == "<0xFF>");
    for (int i = 3; i < 259; ++i) BOOST_TEST(types[i] == 6);
    BOOST_TEST(f.get_uint("tokenizer.ggml.bos_token_id") == 1u);
    BOOST_TEST(f.get_uint("tokenizer.ggml.eos_token_id") == 2u);

    // Tokens are unique, and every multi-character normal token joins two normal
    // tokens, each a single character or a piece of higher score (an earlier
    // merge), so SentencePiece merging reaches it.
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < tokens.size(); ++i) BOOST_TEST(index.emplace(tokens[i], i).second);
    auto single = [](const std::string& t) { return t.size() == 1 || t == "\xe2\x96\x81"; };
    int pieces = 0;
    for (size_t i = 259; i < tokens.size(); ++i) {
        BOOST_TEST(types[i] == 1);
        const std::string& t = tokens[i];
        if (single(t)) continue;
        ++pieces;
        bool reachable = false;
        for (size_t cut = 1; cut < t.size() && !reachable; ++cut) {
            auto usable = [&](const std::string& part) {
                auto it = index.find(part);
                return it != index.end() && it->second >= 259 && (single(part) || scores[it->second] > scores[i]);
            };
            reachable = usable(t.substr(0, cut)) && usable(t.substr(cut));
        }
        BOOST_TEST_INFO("token " << i << " '" << t << "'");
        BOOST_TEST(reachable);
    }
    BOOST_TEST(pieces > 600);

    const auto tok = bitnet::tokenizer::load_tokenizer(f);
    const std::string text = "Once upon a time, the little girl was happy. \xc3\xa9\xe2\x82\xac!";
    const auto ids = tok->encode(text, {});
    BOOST_TEST(ids.front() == 1);
    BOOST_TEST(ids.size() < text.size());  // merges happened
    BOOST_TEST(tok->decode(ids) == text);
}

BOOST_AUTO_TEST_CASE(vocabulary_is_copied_from_a_gguf) {
    TempDir dir;
    GgufFile f(synth(dir, "v.gguf", {"--preset", "tiny", "--vocab", kStories}));
    GgufFile src(kStories);
    int copied = 0;
    for (const auto& [key, value] : src.metadata()) {
        if (key.rfind("tokenizer.", 0) != 0) continue;
        ++copied;
        BOOST_TEST_INFO("key " << key);
        BOOST_REQUIRE(f.find(key) != nullptr);
    }
    BOOST_TEST(copied >= 8);
    BOOST_TEST(f.get_string_array("tokenizer.ggml.tokens") == src.get_string_array("tokenizer.ggml.tokens"),
               boost::test_tools::per_element());
    BOOST_TEST(f.get_float_array("tokenizer.ggml.scores") == src.get_float_array("tokenizer.ggml.scores"),
               boost::test_tools::per_element());
    BOOST_TEST(f.get_int_array("tokenizer.ggml.token_type") == src.get_int_array("tokenizer.ggml.token_type"),
               boost::test_tools::per_element());

    // A bigger vocabulary sets vocab_size and the embedding's row count.
    GgufFile big(synth(dir, "llama3.gguf",
                       {"--preset", "tiny", "--vocab", std::string(BITNET_TEST_DATA_DIR) + "/llama3-vocab.gguf"}));
    BOOST_TEST(big.get_uint("bitnet-b1.58.vocab_size") == 128256u);
    BOOST_TEST(big.tensor("token_embd.weight").ne == (std::vector<uint64_t>{256, 128256}),
               boost::test_tools::per_element());
    BOOST_TEST(big.get_string("tokenizer.ggml.model") == "gpt2");
    BOOST_TEST(big.get_string_array("tokenizer.ggml.merges").size() == 280147u);
}

BOOST_AUTO_TEST_CASE(seed_reproduces_the_file) {
    TempDir dir;
    const auto a = bitnet::test::read_file(synth(dir, "a.gguf", {"--preset", "tiny", "--seed", "42"}));
    const auto b = bitnet::test::read_file(synth(dir, "b.gguf", {"--preset", "tiny", "--seed", "42"}));
    const auto c = bitnet::test::read_file(synth(dir, "c.gguf", {"--preset", "tiny", "--seed", "43"}));
    BOOST_TEST((a == b));
    BOOST_TEST(a.size() == c.size());
    BOOST_TEST((a != c));
}

BOOST_AUTO_TEST_CASE(bad_arguments_fail_with_a_message) {
    TempDir dir;
    auto r = run_tool(kTool, {"synth", "--preset", "huge", "--out", dir.file("x.gguf")});
    BOOST_TEST(r.exited);
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err == "error: unknown preset 'huge' (presets: 2b-4t, medium, small, tiny, bitnet-large, falcon3-1b, llama3-8b)\n");
    const std::string not_gguf = dir.file("not.gguf");
    bitnet::test::write_file(not_gguf, {'h', 'e', 'l', 'l', 'o'});
    r = run_tool(kTool, {"synth", "--preset", "tiny", "--out", dir.file("y.gguf"), "--vocab", not_gguf});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err == "error: " + not_gguf + ": bad magic (not a GGUF file)\n");
    BOOST_TEST(!std::filesystem::exists(dir.file("y.gguf")));
    r = run_tool(kTool, {"synth", "--preset", "tiny"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.err.find("error: synth: ") == 0u);
}

// Each family gets its own key prefix and exactly the tensors llama.cpp's loader
// for that general.architecture expects.
BOOST_AUTO_TEST_CASE(families_write_their_own_keys_and_tensors) {
    TempDir dir;
    GgufFile llama(synth(dir, "llama.gguf", {"--preset", "tiny", "--arch", "llama", "--untied-head"}));
    BOOST_TEST(llama.get_string("general.architecture") == "llama");
    BOOST_TEST(llama.get_uint("llama.block_count") == 2u);
    BOOST_TEST(!llama.has("bitnet-b1.58.block_count"));
    BOOST_TEST(!llama.find_tensor("blk.0.attn_sub_norm.weight"));
    BOOST_TEST(!llama.find_tensor("blk.1.ffn_sub_norm.weight"));
    BOOST_TEST(llama.tensor("output.weight").ne == (std::vector<uint64_t>{256, 1024}), boost::test_tools::per_element());
    GgufFile bitnet(synth(dir, "bitnet.gguf", {"--preset", "tiny", "--arch", "bitnet"}));
    BOOST_TEST(bitnet.get_uint("bitnet.embedding_length") == 256u);
    BOOST_TEST(bitnet.tensor("blk.1.ffn_sub_norm.weight").ne == (std::vector<uint64_t>{768}), boost::test_tools::per_element());
    BOOST_TEST(!bitnet.find_tensor("output.weight"));

    auto r = run_tool(kTool, {"synth", "--preset", "tiny", "--arch", "gpt2", "--out", dir.file("x.gguf")});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err == "error: unknown architecture 'gpt2' (architectures: bitnet-b1.58, bitnet-25, bitnet, llama)\n");
    r = run_tool(kTool, {"synth", "--preset", "tiny", "--arch", "bitnet", "--untied-head", "--out", dir.file("x.gguf")});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.err == "error: architecture bitnet ties the head to token_embd.weight (no --untied-head)\n");
}
