// SPDX-License-Identifier: MIT
#include "convert/hf_config.hpp"

#include <boost/json.hpp>

#include "bitnet/error.hpp"
#include "convert/json_file.hpp"

namespace bitnet::model_tool {

namespace {

namespace json = boost::json;

constexpr uint32_t kI2sBlock = 128;  // I2_S packs rows in blocks of 128 weights

// The sub-norm names are transformers' BitNet model (2B-4T) and 1bitLLM's
// modeling_bitnet.py, as llama.cpp's tensor_mapping.py lists both.
constexpr HfFamily kFamilies[] = {
    {"BitNetForCausalLM", "bitnet-b1.58", "relu2", "self_attn.attn_sub_norm", "mlp.ffn_sub_norm",
     "microsoft/bitnet-b1.58-2B-4T-bf16"},
    {"BitnetForCausalLM", "bitnet", "silu", "self_attn.inner_attn_ln", "mlp.ffn_layernorm",
     "1bitLLM/bitnet_b1_58-large"},
};

class Keys {
public:
    Keys(const json::object& o, std::string path) : o_(o), path_(std::move(path)) {}

    const json::value* find(const char* key) const {
        const json::value* v = o_.if_contains(key);
        return v && !v->is_null() ? v : nullptr;
    }
    uint32_t u32(const char* key, std::optional<uint32_t> fallback = std::nullopt) const {
        const json::value* v = find(key);
        if (!v) {
            if (fallback) return *fallback;
            fail(std::string("missing key ") + key);
        }
        if (v->is_int64() && v->as_int64() > 0 && v->as_int64() <= INT32_MAX) return static_cast<uint32_t>(v->as_int64());
        if (v->is_uint64() && v->as_uint64() > 0 && v->as_uint64() <= INT32_MAX) return static_cast<uint32_t>(v->as_uint64());
        fail(std::string("key ") + key + " must be a positive integer");
    }
    float f32(const char* key, std::optional<float> fallback = std::nullopt) const {
        const json::value* v = find(key);
        if (!v) {
            if (fallback) return *fallback;
            fail(std::string("missing key ") + key);
        }
        if (!v->is_number()) fail(std::string("key ") + key + " must be a number");
        const double d = v->to_number<double>();
        if (!(d > 0)) fail(std::string("key ") + key + " must be positive");
        return static_cast<float>(d);
    }
    std::optional<int64_t> token_id(const char* key) const {
        const json::value* v = find(key);
        if (v && v->is_array() && !v->as_array().empty()) v = &v->as_array()[0];  // a list: the first is the main one
        if (!v || !v->is_int64()) return std::nullopt;
        return v->as_int64();
    }
    [[noreturn]] void fail(const std::string& what) const { throw Error(path_ + ": " + what); }

private:
    const json::object& o_;
    std::string path_;
};

}  // namespace

std::string supported_architectures() {
    std::string s;
    for (const HfFamily& f : kFamilies)
        s += (s.empty() ? "" : ", ") + std::string(f.hf_architecture) + " (e.g. " + f.example + ")";
    return s;
}

HfConfig read_hf_config(const std::filesystem::path& path) {
    const json::value doc = read_json_file(path);
    if (!doc.is_object()) throw Error(path.string() + ": not a JSON object");
    const Keys k(doc.as_object(), path.string());
    HfConfig c;

    const json::value* archs = k.find("architectures");
    if (!archs || !archs->is_array() || archs->as_array().empty() || !archs->as_array()[0].is_string())
        k.fail("no architectures list, so the model type is unknown (supported: " + supported_architectures() + ")");
    c.architecture = std::string(archs->as_array()[0].as_string());
    for (const HfFamily& f : kFamilies)
        if (c.architecture == f.hf_architecture) c.family = &f;
    if (!c.family)
        k.fail("architecture " + c.architecture + " is not supported; bitnet-model convert supports " +
               supported_architectures());
    const std::string family = c.family->gguf_architecture;
    if (const json::value* act = k.find("hidden_act");
        act && !(act->is_string() && act->as_string() == c.family->hidden_act))
        k.fail(std::string("hidden_act must be ") + c.family->hidden_act + ", as the " + family + " graph computes it");
    if (k.find("rope_scaling")) k.fail("rope_scaling is set; the " + family + " graph has no RoPE scaling");
    if (const json::value* tie = k.find("tie_word_embeddings")) {
        if (!tie->is_bool()) k.fail("tie_word_embeddings must be true or false");
        c.tie_word_embeddings = tie->as_bool();
    }
    // 2B-4T ties by design. 1bitLLM's configs say false, yet bitnet.cpp's bitnet
    // graph has no output tensor: convert_checkpoint accepts an lm_head there
    // only when it equals the embedding.
    if (!c.tie_word_embeddings && family == "bitnet-b1.58")
        k.fail("tie_word_embeddings is false; bitnet-b1.58 reads its output head from the token embedding");

    gguf::BitnetHparams& hp = c.hp;
    hp.arch = family;
    hp.n_embd = k.u32("hidden_size");
    hp.n_ff = k.u32("intermediate_size");
    hp.n_layer = k.u32("num_hidden_layers");
    hp.n_head = k.u32("num_attention_heads");
    hp.n_head_kv = k.u32("num_key_value_heads", hp.n_head);
    hp.n_vocab = k.u32("vocab_size");
    hp.n_ctx = k.u32("max_position_embeddings");
    hp.rms_eps = k.f32("rms_norm_eps");
    hp.rope_base = k.f32("rope_theta", 10000.0f);
    if (hp.n_embd % hp.n_head) k.fail("hidden_size is not a multiple of num_attention_heads");
    if (hp.n_head % hp.n_head_kv) k.fail("num_attention_heads is not a multiple of num_key_value_heads");
    hp.n_rot = hp.n_embd / hp.n_head;
    if (k.find("head_dim") && k.u32("head_dim") != hp.n_rot)
        k.fail("head_dim differs from hidden_size / num_attention_heads, which the " + family + " graph assumes");
    if (hp.n_rot % 2) k.fail("the head size must be even for RoPE");
    if (hp.n_embd % kI2sBlock || hp.n_ff % kI2sBlock)
        k.fail("hidden_size " + std::to_string(hp.n_embd) + " and intermediate_size " + std::to_string(hp.n_ff) +
               " must be multiples of 128 for the I2_S layout");
    c.bos_id = k.token_id("bos_token_id");
    c.eos_id = k.token_id("eos_token_id");
    return c;
}

}  // namespace bitnet::model_tool
