// SPDX-License-Identifier: MIT
#include "bitnet/gguf_model_keys.hpp"

namespace bitnet::gguf {

namespace {

constexpr uint32_t kFileTypeMostlyI2S = 40;

}  // namespace

void set_bitnet_hparams(GgufWriter& w, const BitnetHparams& hp) {
    const std::string& a = hp.arch;
    w.set_string("general.architecture", a);
    w.set_u32("general.file_type", kFileTypeMostlyI2S);
    w.set_u32("general.quantization_version", 2);
    w.set_u32(a + ".vocab_size", hp.n_vocab);
    w.set_u32(a + ".context_length", hp.n_ctx);
    w.set_u32(a + ".embedding_length", hp.n_embd);
    w.set_u32(a + ".block_count", hp.n_layer);
    w.set_u32(a + ".feed_forward_length", hp.n_ff);
    w.set_u32(a + ".attention.head_count", hp.n_head);
    w.set_u32(a + ".attention.head_count_kv", hp.n_head_kv);
    w.set_f32(a + ".attention.layer_norm_rms_epsilon", hp.rms_eps);
    w.set_f32(a + ".rope.freq_base", hp.rope_base);
    w.set_u32(a + ".rope.dimension_count", hp.n_rot);
}

void set_tokenizer_keys(GgufWriter& w, const tokenizer::Vocabulary& v) {
    const std::string k = "tokenizer.ggml.";
    w.set_string(k + "model", v.model);
    if (v.pre) w.set_string(k + "pre", *v.pre);
    w.set_string_array(k + "tokens", v.tokens);
    if (!v.scores.empty()) w.set_f32_array(k + "scores", v.scores);
    if (!v.types.empty()) w.set_i32_array(k + "token_type", v.types);
    if (!v.merges.empty()) w.set_string_array(k + "merges", v.merges);
    const auto id = [&](const char* name, int32_t value) {
        if (value >= 0) w.set_u32(k + name, static_cast<uint32_t>(value));
    };
    id("bos_token_id", v.bos);
    id("eos_token_id", v.eos);
    id("unknown_token_id", v.unk);
    id("eot_token_id", v.eot);
    id("eom_token_id", v.eom);
    if (v.add_bos) w.set_bool(k + "add_bos_token", *v.add_bos);
    w.set_bool(k + "add_eos_token", false);
    if (v.add_space_prefix) w.set_bool(k + "add_space_prefix", *v.add_space_prefix);
}

}  // namespace bitnet::gguf
