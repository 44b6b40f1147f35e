// SPDX-License-Identifier: MIT
#include "convert/checkpoint_vocab.hpp"

#include <boost/json.hpp>

#include "bitnet/error.hpp"
#include "convert/json_file.hpp"

namespace bitnet::model_tool {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// A byte-level BPE tokenizer.json, as opposed to a SentencePiece-style one
// (byte_fallback) that comes with a tokenizer.model.
bool is_byte_level(const fs::path& path) {
    const json::value doc = read_json_file(path);
    const json::value* model = doc.is_object() ? doc.as_object().if_contains("model") : nullptr;
    if (!model || !model->is_object()) return false;
    const json::value* fb = model->as_object().if_contains("byte_fallback");
    return !(fb && fb->is_bool() && fb->as_bool());
}

int32_t find_token(const tokenizer::Vocabulary& v, const std::string& text) {
    for (size_t i = 0; i < v.tokens.size(); ++i)
        if (v.tokens[i] == text) return static_cast<int32_t>(i);
    return -1;
}

// tokenizer_config.json names its special tokens as text ("<|begin_of_text|>")
// or as {"content": text}.
std::optional<std::string> special_text(const json::object& cfg, const char* key) {
    const json::value* v = cfg.if_contains(key);
    if (v && v->is_object()) v = v->as_object().if_contains("content");
    if (!v || !v->is_string()) return std::nullopt;
    return std::string(v->as_string());
}

// The order of llama.cpp's converters: tokenizer_config.json, then config.json.
void set_specials(tokenizer::Vocabulary& v, const fs::path& dir, const HfConfig& config) {
    const auto valid = [&](std::optional<int64_t> id) {
        return id && *id >= 0 && *id < static_cast<int64_t>(v.tokens.size()) ? static_cast<int32_t>(*id) : -1;
    };
    const fs::path tc = dir / "tokenizer_config.json";
    if (fs::exists(tc)) {
        const json::value doc = read_json_file(tc);
        if (doc.is_object()) {
            const json::object& o = doc.as_object();
            for (auto [key, slot] : {std::pair{"bos_token", &v.bos}, std::pair{"eos_token", &v.eos}}) {
                if (const auto text = special_text(o, key)) {
                    const int32_t id = find_token(v, *text);
                    if (id < 0) throw Error(tc.string() + ": " + key + " '" + *text + "' is not in the vocabulary");
                    *slot = id;
                }
            }
            if (const json::value* ab = o.if_contains("add_bos_token"); ab && ab->is_bool()) v.add_bos = ab->as_bool();
        }
    }
    if (v.bos < 0) v.bos = valid(config.bos_id);
    if (v.eos < 0) v.eos = valid(config.eos_id);
}

}  // namespace

tokenizer::Vocabulary read_checkpoint_vocabulary(const fs::path& dir, const HfConfig& config,
                                                 std::string& source_out) {
    const fs::path tj = dir / "tokenizer.json", tm = dir / "tokenizer.model";
    tokenizer::Vocabulary v;
    if (fs::exists(tj) && is_byte_level(tj)) {
        source_out = tj.string();
        v = read_tokenizer_json(tj, config.hp.n_vocab);
    } else if (fs::exists(tm)) {
        source_out = tm.string();
        v = read_sentencepiece_model(tm, config.hp.n_vocab);
    } else {
        throw Error(dir.string() + ": no tokenizer: want a byte-level BPE tokenizer.json or a SentencePiece "
                                   "tokenizer.model");
    }
    set_specials(v, dir, config);
    return v;
}

}  // namespace bitnet::model_tool
