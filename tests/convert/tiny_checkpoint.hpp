// SPDX-License-Identifier: MIT
// A tiny BitNetForCausalLM (hidden 256, 2 layers, a 280-token byte-level BPE
// vocabulary) that the convert tests write as a Hugging Face checkpoint and,
// independently, as the GGUF the conversion should produce.
#pragma once

#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "bitnet/f16.hpp"
#include "bitnet/gguf_model_keys.hpp"
#include "bitnet/gguf_writer.hpp"
#include "bitnet/tokenizer.hpp"
#include "checkpoint_writer.hpp"

namespace bitnet::test {

struct TinyTensor {
    std::string gguf_name, hf_name;
    enum Kind { Ternary, Norm, Embedding } kind;
    std::vector<uint64_t> hf_shape;  // [rows, K] or [n]
    std::string dtype;               // in the checkpoint
    std::vector<float> values;       // exactly representable in dtype
    std::vector<int8_t> codes;       // Ternary: the expected ternary weights
    float scale{0};                  // Ternary: the expected I2_S scale (mean |W|)
};

struct TinyModel {
    gguf::BitnetHparams hp;
    tokenizer::Vocabulary vocab;          // what the GGUF should carry
    std::vector<std::string> json_tokens; // tokenizer.json's vocab by id ("" = unused)
    std::vector<std::string> merges;
    std::map<int, std::string> added;
    std::vector<TinyTensor> tensors;
};

inline uint16_t to_bf16(float f) {  // only for values bf16 holds exactly
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return static_cast<uint16_t>(bits >> 16);
}

// The absmean rule, written here from the paper's definition.
inline void expect_absmean(TinyTensor& t) {
    double sum = 0;
    for (float v : t.values) sum += std::fabs(static_cast<double>(v));
    t.scale = static_cast<float>(sum / static_cast<double>(t.values.size()));
    t.codes.resize(t.values.size());
    for (size_t i = 0; i < t.values.size(); ++i) {
        const float q = std::nearbyint(t.values[i] / t.scale);
        t.codes[i] = static_cast<int8_t>(q > 1 ? 1 : q < -1 ? -1 : q);
    }
}

// n_vocab other than 280 sizes the embedding for another tokenizer; the BPE
// fields then do not describe it.
inline TinyModel make_tiny_model(uint32_t n_vocab = 280) {
    TinyModel m;
    auto& hp = m.hp;
    hp.n_layer = 2, hp.n_embd = 256, hp.n_ff = 768, hp.n_head = 4, hp.n_head_kv = 2, hp.n_vocab = n_vocab, hp.n_ctx = 256,
    hp.n_rot = 64, hp.rope_base = 10000.0f, hp.rms_eps = 1e-5f;

    // 256 byte tokens, 12 merges, unused ids, then the specials.
    for (int b = 0; b < 256; ++b) m.json_tokens.push_back(byte_char(static_cast<uint8_t>(b)));
    const std::string G = byte_char(' ');
    m.merges = {G + " t", "h e", G + "t he", G + " a", "a n", G + "a n", "i n", G + " w", "e r", "o n", G + "t o", "r e"};
    for (const auto& mg : m.merges) {
        const size_t sp = mg.find(' ');
        m.json_tokens.push_back(mg.substr(0, sp) + mg.substr(sp + 1));
    }
    while (m.json_tokens.size() < 277) m.json_tokens.push_back("");
    m.added = {{277, "<|begin_of_text|>"}, {278, "<|end_of_text|>"}, {279, "<|eot_id|>"}};

    auto& v = m.vocab;
    v.model = "gpt2";
    v.pre = "llama-bpe";
    for (int id = 0; id < 280; ++id) {
        if (m.added.count(id)) {
            v.tokens.push_back(m.added.at(id));
            v.types.push_back(3);
        } else if (m.json_tokens[id].empty()) {
            v.tokens.push_back("[PAD" + std::to_string(id) + "]");
            v.types.push_back(4);
        } else {
            v.tokens.push_back(m.json_tokens[id]);
            v.types.push_back(1);
        }
    }
    v.merges = m.merges;
    v.bos = 277, v.eos = 278;
    v.add_bos = true;

    const uint64_t e = hp.n_embd, f = hp.n_ff, kv = e / hp.n_head * hp.n_head_kv;
    int s = 0;
    auto ternary = [&](const std::string& g, const std::string& h, uint64_t rows, uint64_t k) {
        TinyTensor t{g, h, TinyTensor::Ternary, {rows, k}, "BF16", {}, {}, 0};
        const float c = static_cast<float>(8 + s) / 256.0f;  // exact in bf16, and so is every c * t
        t.values.resize(rows * k);
        for (uint64_t i = 0; i < rows * k; ++i) {
            const uint32_t hsh = static_cast<uint32_t>(i * 2654435761u + static_cast<uint32_t>(s) * 40503u) >> 13;
            t.values[i] = c * static_cast<float>(static_cast<int>(hsh % 3) - 1);
        }
        ++s;
        m.tensors.push_back(std::move(t));
    };
    auto norm = [&](const std::string& g, const std::string& h, uint64_t n, const char* dtype) {
        TinyTensor t{g, h, TinyTensor::Norm, {n}, dtype, {}, {}, 0};
        for (uint64_t i = 0; i < n; ++i)  // 1 + k/128: exact in bf16 and f32
            t.values.push_back(1.0f + static_cast<float>(static_cast<int>((i * 7 + s) % 11) - 5) / 128.0f);
        ++s;
        m.tensors.push_back(std::move(t));
    };
    {
        TinyTensor t{"token_embd.weight", "model.embed_tokens.weight", TinyTensor::Embedding, {n_vocab, e}, "F16", {}, {}, 0};
        for (uint64_t i = 0; i < n_vocab * e; ++i)
            t.values.push_back(f16_to_f32(f32_to_f16(0.05f * static_cast<float>(static_cast<int>(i * 37 % 101) - 50) / 50.0f)));
        m.tensors.push_back(std::move(t));
    }
    for (uint32_t l = 0; l < hp.n_layer; ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".", hf = "model.layers." + std::to_string(l) + ".";
        const char* nd = l == 0 ? "F32" : "BF16";
        norm(blk + "attn_norm.weight", hf + "input_layernorm.weight", e, nd);
        ternary(blk + "attn_q.weight", hf + "self_attn.q_proj.weight", e, e);
        ternary(blk + "attn_k.weight", hf + "self_attn.k_proj.weight", kv, e);
        ternary(blk + "attn_v.weight", hf + "self_attn.v_proj.weight", kv, e);
        norm(blk + "attn_sub_norm.weight", hf + "self_attn.attn_sub_norm.weight", e, nd);
        ternary(blk + "attn_output.weight", hf + "self_attn.o_proj.weight", e, e);
        norm(blk + "ffn_norm.weight", hf + "post_attention_layernorm.weight", e, nd);
        ternary(blk + "ffn_gate.weight", hf + "mlp.gate_proj.weight", f, e);
        ternary(blk + "ffn_up.weight", hf + "mlp.up_proj.weight", f, e);
        norm(blk + "ffn_sub_norm.weight", hf + "mlp.ffn_sub_norm.weight", f, nd);
        ternary(blk + "ffn_down.weight", hf + "mlp.down_proj.weight", e, f);
    }
    norm("output_norm.weight", "model.norm.weight", e, "F32");

    // One projection holds trained-looking values instead of a scaled pattern,
    // so the absmean rule itself (not only its fixed points) is exercised.
    for (auto& t : m.tensors) {
        if (t.gguf_name != "blk.1.attn_q.weight") continue;
        for (size_t i = 0; i < t.values.size(); ++i) {
            const float x = std::sin(static_cast<float>(i) * 0.7071f) * std::cos(static_cast<float>(i % 97) * 0.31f);
            t.values[i] = std::ldexp(std::round(std::ldexp(x * 0.03f, 12)), -12);  // 7 significant bits: exact in bf16
        }
    }
    for (auto& t : m.tensors)
        if (t.kind == TinyTensor::Ternary) expect_absmean(t);
    return m;
}

inline std::string tensor_bytes(const TinyTensor& t) {
    std::string out;
    for (float x : t.values) {
        if (t.dtype == "F32") out.append(reinterpret_cast<const char*>(&x), 4);
        else {
            const uint16_t h = t.dtype == "F16" ? f32_to_f16(x) : to_bf16(x);
            out.append(reinterpret_cast<const char*>(&h), 2);
        }
    }
    return out;
}

inline StEntry st_entry(const TinyTensor& t) { return {t.hf_name, t.dtype, t.hf_shape, tensor_bytes(t)}; }

// 1bitLLM's flavour of the same model (BitnetForCausalLM, GGUF family bitnet):
// its sub-norm names, SiLU, and a config that says tie_word_embeddings false
// while the lm_head it ships equals the embedding.
inline TinyModel make_tiny_1bitllm_model() {
    TinyModel m = make_tiny_model();
    m.hp.arch = "bitnet";
    for (auto& t : m.tensors) {
        for (const auto& [from, to] : {std::pair<std::string, std::string>{"self_attn.attn_sub_norm", "self_attn.inner_attn_ln"},
                                       {"mlp.ffn_sub_norm", "mlp.ffn_layernorm"}})
            if (const size_t at = t.hf_name.find(from); at != std::string::npos) t.hf_name.replace(at, from.size(), to);
    }
    return m;
}

// The HF architecture and activation default to the model's family.
inline std::string config_json(const TinyModel& m, std::string arch = "", std::string act = "") {
    const auto& hp = m.hp;
    const bool old = hp.arch == "bitnet";
    if (arch.empty()) arch = old ? "BitnetForCausalLM" : "BitNetForCausalLM";
    if (act.empty()) act = old ? "silu" : "relu2";
    return "{\"architectures\": [\"" + arch +
           "\"], \"model_type\": \"bitnet\", \"hidden_act\": \"" + act + "\", \"hidden_size\": " + std::to_string(hp.n_embd) +
           ", \"intermediate_size\": " + std::to_string(hp.n_ff) + ", \"num_hidden_layers\": " +
           std::to_string(hp.n_layer) + ", \"num_attention_heads\": " + std::to_string(hp.n_head) +
           ", \"num_key_value_heads\": " + std::to_string(hp.n_head_kv) + ", \"vocab_size\": " +
           std::to_string(hp.n_vocab) + ", \"max_position_embeddings\": " + std::to_string(hp.n_ctx) +
           ", \"rms_norm_eps\": 1e-05, \"rope_theta\": 10000.0, \"tie_word_embeddings\": " +
           std::string(old ? "false" : "true") + ", "
           "\"bos_token_id\": 277, \"eos_token_id\": 278, \"rope_scaling\": null, \"torch_dtype\": \"bfloat16\"}";
}

// The checkpoint as Hugging Face ships it: two shards, a tied lm_head copy.
inline void write_checkpoint(const std::filesystem::path& dir, const TinyModel& m) {
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "config.json") << config_json(m);
    std::ofstream(dir / "tokenizer_config.json")
        << R"({"bos_token": "<|begin_of_text|>", "eos_token": {"content": "<|end_of_text|>"}, "add_bos_token": true})";
    write_tokenizer_json(dir / "tokenizer.json", m.json_tokens, m.merges, m.added);
    std::vector<StEntry> a, b;
    for (const auto& t : m.tensors) (t.hf_name.find("layers.1.") == std::string::npos ? a : b).push_back(st_entry(t));
    StEntry head = st_entry(m.tensors.front());
    head.name = "lm_head.weight";
    a.push_back(head);
    write_safetensors(dir / "model-00001-of-00002.safetensors", a);
    write_safetensors(dir / "model-00002-of-00002.safetensors", b);
}

// The same model written straight to GGUF, as the conversion should.
inline void write_reference_gguf(const std::string& path, const TinyModel& m) {
    gguf::GgufWriter w;
    gguf::set_bitnet_hparams(w, m.hp);
    w.set_string("general.name", "reference");
    gguf::set_tokenizer_keys(w, m.vocab);
    for (const auto& t : m.tensors) {
        if (t.kind == TinyTensor::Ternary) {
            const uint64_t rows = t.hf_shape[0], k = t.hf_shape[1];
            const auto bytes = gguf::pack_i2s(t.codes.data(), static_cast<int64_t>(rows), static_cast<int64_t>(k), t.scale);
            w.add_tensor(t.gguf_name, {k, rows}, 36, bytes);
        } else if (t.kind == TinyTensor::Norm) {
            std::vector<uint8_t> bytes(t.values.size() * 4);
            std::memcpy(bytes.data(), t.values.data(), bytes.size());
            w.add_tensor(t.gguf_name, {t.hf_shape[0]}, 0, bytes);
        } else {
            std::vector<uint8_t> bytes;
            for (float x : t.values) {
                const uint16_t h = f32_to_f16(x);
                bytes.push_back(static_cast<uint8_t>(h));
                bytes.push_back(static_cast<uint8_t>(h >> 8));
            }
            w.add_tensor(t.gguf_name, {t.hf_shape[1], t.hf_shape[0]}, 1, bytes);
        }
    }
    w.write(path);
}

}  // namespace bitnet::test
