// SPDX-License-Identifier: MIT
// Reading tokenizer.ggml.* out of a GGUF.
#include <climits>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet::tokenizer {
namespace {

constexpr const char* kPrefix = "tokenizer.ggml.";

std::string key(const char* name) { return std::string(kPrefix) + name; }

// Special ids are stored as u32 or i32; absent keys keep fallback.
int32_t read_id(const gguf::GgufFile& file, const char* name, int32_t fallback) {
    const std::string k = key(name);
    if (!file.has(k)) return fallback;
    const int64_t v = file.get_int(k);
    if (v < -1 || v > INT32_MAX) file.fail(k + " " + std::to_string(v) + " is not a token id");
    return static_cast<int32_t>(v);
}

}  // namespace

Vocabulary read_vocabulary(const gguf::GgufFile& file) {
    Vocabulary v;
    v.model = file.get_string(key("model"));
    if (file.has(key("pre"))) v.pre = file.get_string(key("pre"));
    v.tokens = file.get_string_array(key("tokens"));
    if (file.has(key("scores"))) {
        const std::vector<double> scores = file.get_float_array(key("scores"));
        v.scores.assign(scores.begin(), scores.end());
    }
    if (file.has(key("token_type"))) {
        const std::vector<int64_t> types = file.get_int_array(key("token_type"));
        v.types.reserve(types.size());
        for (int64_t t : types) v.types.push_back(t < INT32_MIN || t > INT32_MAX ? -1 : static_cast<int32_t>(t));
    }
    if (file.has(key("merges"))) v.merges = file.get_string_array(key("merges"));

    // SentencePiece vocabularies put <unk>, <s>, </s> first when the file does not say.
    const bool spm = v.model == "llama";
    v.bos = read_id(file, "bos_token_id", spm ? 1 : -1);
    v.eos = read_id(file, "eos_token_id", spm ? 2 : -1);
    v.unk = read_id(file, "unknown_token_id", spm ? 0 : -1);
    v.eot = read_id(file, "eot_token_id", -1);
    v.eom = read_id(file, "eom_token_id", -1);
    if (file.has(key("add_bos_token"))) v.add_bos = file.get_bool(key("add_bos_token"));
    if (file.has(key("add_space_prefix"))) v.add_space_prefix = file.get_bool(key("add_space_prefix"));
    return v;
}

std::unique_ptr<Tokenizer> load_tokenizer(const gguf::GgufFile& file, const TokenizerOptions& options) {
    return make_tokenizer(read_vocabulary(file), options, file.path());
}

}  // namespace bitnet::tokenizer
