// SPDX-License-Identifier: MIT
// A complete bitnet-b1.58 model small enough to make in a test (about 30 KB per
// layer): every tensor the loader binds, deterministic weights, and a
// SentencePiece vocabulary of a few tokens. Knobs let a test write the metadata
// of an absurd model around otherwise valid tensors.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "bitnet/f16.hpp"
#include "bitnet/gguf_writer.hpp"

namespace bitnet::test {

struct TinyModelSpec {
    std::string architecture{"bitnet-b1.58"};
    int64_t n_embd{128};
    int64_t n_ff{128};
    int64_t n_layer{1};
    int64_t n_head{4};
    int64_t n_head_kv{2};
    uint64_t n_ctx{64};
    int64_t n_vocab{16};
    bool tied_output{true};
    bool with_vocabulary{true};
    std::function<void(gguf::GgufWriter&)> extra;  // more keys or tensors, added last
};

inline void add_f32(gguf::GgufWriter& w, const std::string& name, int64_t n, float value) {
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) std::memcpy(bytes.data() + i * 4, &value, 4);
    w.add_tensor(name, {static_cast<uint64_t>(n)}, 0, std::move(bytes));
}

inline void add_ternary(gguf::GgufWriter& w, const std::string& name, int64_t k, int64_t rows, std::mt19937& rng) {
    std::vector<int8_t> t(static_cast<size_t>(k * rows));
    for (auto& v : t) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    w.add_tensor(name, {static_cast<uint64_t>(k), static_cast<uint64_t>(rows)}, 36,
                 gguf::pack_i2s(t.data(), rows, k, 0.25f));
}

// Tokens: <unk> <s> </s>, then "▁" + a letter and single letters up to n_vocab.
inline void add_vocabulary(gguf::GgufWriter& w, int64_t n_vocab) {
    std::vector<std::string> tokens{"<unk>", "<s>", "</s>"};
    std::vector<int32_t> types{2, 3, 3};
    for (int64_t i = 3; i < n_vocab; ++i) {
        const char letter = static_cast<char>('a' + (i - 3) / 2 % 26);
        tokens.push_back((i % 2 ? std::string("\xE2\x96\x81") : std::string()) + letter);
        types.push_back(1);
    }
    std::vector<float> scores(tokens.size());
    for (size_t i = 0; i < scores.size(); ++i) scores[i] = -static_cast<float>(i);
    w.set_string("tokenizer.ggml.model", "llama");
    w.set_string_array("tokenizer.ggml.tokens", tokens);
    w.set_f32_array("tokenizer.ggml.scores", scores);
    w.set_i32_array("tokenizer.ggml.token_type", types);
    w.set_u32("tokenizer.ggml.bos_token_id", 1);
    w.set_u32("tokenizer.ggml.eos_token_id", 2);
}

inline gguf::GgufWriter tiny_model_writer(const TinyModelSpec& s = {}) {
    gguf::GgufWriter w;
    const std::string a = s.architecture + ".";
    w.set_string("general.architecture", s.architecture);
    w.set_u64(a + "context_length", s.n_ctx);
    w.set_u32(a + "embedding_length", static_cast<uint32_t>(s.n_embd));
    w.set_u32(a + "block_count", static_cast<uint32_t>(s.n_layer));
    w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(s.n_ff));
    w.set_u32(a + "attention.head_count", static_cast<uint32_t>(s.n_head));
    w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
    w.set_f32(a + "attention.layer_norm_rms_epsilon", 1e-5f);
    w.set_f32(a + "rope.freq_base", 10000.0f);
    if (s.with_vocabulary) add_vocabulary(w, s.n_vocab);

    std::mt19937 rng(1234);
    std::vector<uint8_t> embd(static_cast<size_t>(s.n_embd * s.n_vocab) * 2);
    std::uniform_real_distribution<float> small(-0.5f, 0.5f);
    for (size_t i = 0; i < embd.size(); i += 2) {
        const uint16_t h = f32_to_f16(small(rng));
        std::memcpy(embd.data() + i, &h, 2);
    }
    const std::vector<uint64_t> embd_ne{static_cast<uint64_t>(s.n_embd), static_cast<uint64_t>(s.n_vocab)};
    w.add_tensor("token_embd.weight", embd_ne, 1, embd);
    if (!s.tied_output) w.add_tensor("output.weight", embd_ne, 1, embd);
    add_f32(w, "output_norm.weight", s.n_embd, 1.0f);
    // Shapes follow the metadata only where they can; a test that lies about a
    // size in the metadata keeps the tensors of the honest model.
    const int64_t head_dim = s.n_head > 0 && s.n_embd % s.n_head == 0 ? s.n_embd / s.n_head : s.n_embd;
    const int64_t kv_dim = s.n_head_kv > 0 ? s.n_head_kv * head_dim : s.n_embd;
    const int64_t layers = std::min<int64_t>(s.n_layer, 64);
    for (int64_t i = 0; i < layers; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        add_f32(w, p + "attn_norm.weight", s.n_embd, 1.0f);
        add_f32(w, p + "attn_sub_norm.weight", s.n_embd, 1.0f);
        add_f32(w, p + "ffn_norm.weight", s.n_embd, 1.0f);
        add_f32(w, p + "ffn_sub_norm.weight", s.n_ff, 1.0f);
        add_ternary(w, p + "attn_q.weight", s.n_embd, s.n_embd, rng);
        add_ternary(w, p + "attn_k.weight", s.n_embd, kv_dim, rng);
        add_ternary(w, p + "attn_v.weight", s.n_embd, kv_dim, rng);
        add_ternary(w, p + "attn_output.weight", s.n_embd, s.n_embd, rng);
        add_ternary(w, p + "ffn_gate.weight", s.n_embd, s.n_ff, rng);
        add_ternary(w, p + "ffn_up.weight", s.n_embd, s.n_ff, rng);
        add_ternary(w, p + "ffn_down.weight", s.n_ff, s.n_embd, rng);
    }
    if (s.extra) s.extra(w);
    return w;
}

}  // namespace bitnet::test
