// SPDX-License-Identifier: MIT
// The shared writer of bitnet-b1.58 metadata: what it writes reads back as the
// same hyper-parameters and the same vocabulary.
#define BOOST_TEST_MODULE convert_model_keys
#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "bitnet/gguf.hpp"
#include "bitnet/gguf_model_keys.hpp"
#include "bitnet/tokenizer.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;

fs::path temp_file(const std::string& name) {
    return fs::temp_directory_path() / ("bitnet-keys-" + name + "-" + std::to_string(::getpid()) + ".gguf");
}

}  // namespace

BOOST_AUTO_TEST_CASE(hparams_read_back_under_the_bitnet_b158_keys) {
    gguf::BitnetHparams hp;
    hp.n_layer = 3, hp.n_embd = 384, hp.n_ff = 1152, hp.n_head = 6, hp.n_head_kv = 2, hp.n_vocab = 77,
    hp.n_ctx = 512, hp.n_rot = 64, hp.rope_base = 500000.0f, hp.rms_eps = 1e-6f;
    gguf::GgufWriter w;
    gguf::set_bitnet_hparams(w, hp);
    const fs::path path = temp_file("hp");
    w.write(path.string());
    const gguf::GgufFile f(path.string());
    BOOST_TEST(f.get_string("general.architecture") == "bitnet-b1.58");
    BOOST_TEST(f.get_uint("general.file_type") == 40u);
    const std::string a = "bitnet-b1.58.";
    BOOST_TEST(f.get_uint(a + "block_count") == 3u);
    BOOST_TEST(f.get_uint(a + "embedding_length") == 384u);
    BOOST_TEST(f.get_uint(a + "feed_forward_length") == 1152u);
    BOOST_TEST(f.get_uint(a + "attention.head_count") == 6u);
    BOOST_TEST(f.get_uint(a + "attention.head_count_kv") == 2u);
    BOOST_TEST(f.get_uint(a + "vocab_size") == 77u);
    BOOST_TEST(f.get_uint(a + "context_length") == 512u);
    BOOST_TEST(f.get_uint(a + "rope.dimension_count") == 64u);
    BOOST_TEST(f.get_float(a + "rope.freq_base") == 500000.0);
    BOOST_TEST(static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon")) == 1e-6f);
    fs::remove(path);
}

BOOST_AUTO_TEST_CASE(vocabulary_round_trips_through_read_vocabulary) {
    tokenizer::Vocabulary v;
    v.model = "gpt2";
    v.pre = "llama-bpe";
    v.tokens = {"a", "b", "ab", "<|begin_of_text|>", "<|end_of_text|>"};
    v.types = {1, 1, 1, 3, 3};
    v.merges = {"a b"};
    v.bos = 3, v.eos = 4;
    v.add_bos = true;
    gguf::GgufWriter w;
    gguf::set_tokenizer_keys(w, v);
    const fs::path path = temp_file("vocab");
    w.write(path.string());
    const gguf::GgufFile f(path.string());
    const tokenizer::Vocabulary r = tokenizer::read_vocabulary(f);
    BOOST_TEST(r.model == v.model);
    BOOST_TEST(r.pre.value_or("") == "llama-bpe");
    BOOST_TEST(r.tokens == v.tokens);
    BOOST_TEST(r.types == v.types);
    BOOST_TEST(r.merges == v.merges);
    BOOST_TEST(r.scores.empty());
    BOOST_TEST(r.bos == 3);
    BOOST_TEST(r.eos == 4);
    BOOST_TEST(r.unk == -1);
    BOOST_TEST(r.add_bos.value_or(false));
    BOOST_TEST(!r.add_space_prefix.has_value());
    BOOST_TEST(!f.has("tokenizer.ggml.unknown_token_id"));
    fs::remove(path);
}

BOOST_AUTO_TEST_CASE(sentencepiece_vocabulary_keeps_scores_and_space_prefix) {
    tokenizer::Vocabulary v;
    v.model = "llama";
    v.tokens = {"<unk>", "<s>", "</s>", "\xE2\x96\x81x"};
    v.scores = {0.0f, 0.0f, 0.0f, -1.5f};
    v.types = {2, 3, 3, 1};
    v.unk = 0, v.bos = 1, v.eos = 2;
    v.add_space_prefix = false;
    gguf::GgufWriter w;
    gguf::set_tokenizer_keys(w, v);
    const fs::path path = temp_file("spm");
    w.write(path.string());
    const gguf::GgufFile f(path.string());
    const tokenizer::Vocabulary r = tokenizer::read_vocabulary(f);
    BOOST_TEST(r.scores == v.scores);
    BOOST_TEST(r.unk == 0);
    BOOST_TEST(!r.pre.has_value());
    BOOST_TEST(r.add_space_prefix.has_value());
    BOOST_TEST(!*r.add_space_prefix);
    fs::remove(path);
}
