// SPDX-License-Identifier: MIT
// tokenizer.json (Hugging Face tokenizers) of a byte-level BPE model.
#include <boost/json.hpp>

#include "bitnet/error.hpp"
#include "convert/checkpoint_vocab.hpp"
#include "convert/json_file.hpp"

namespace bitnet::model_tool {

namespace {

namespace json = boost::json;
using tokenizer::TokenType;

// Meta-Llama-3's split pattern as tokenizer.json spells it.
constexpr std::string_view kLlama3Split =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

const json::value* member(const json::value& v, const char* key) {
    if (!v.is_object()) return nullptr;
    const json::value* m = v.as_object().if_contains(key);
    return m && !m->is_null() ? m : nullptr;
}

bool is_type(const json::value& v, const char* type) {
    const json::value* t = member(v, "type");
    return t && t->is_string() && t->as_string() == type;
}

// Flattens a Sequence pre-tokenizer into its steps.
void collect_steps(const json::value& v, std::vector<const json::value*>& out) {
    if (is_type(v, "Sequence")) {
        if (const json::value* list = member(v, "pretokenizers"); list && list->is_array())
            for (const json::value& s : list->as_array()) collect_steps(s, out);
        return;
    }
    out.push_back(&v);
}

// The tokenizer.ggml.pre value the pre-tokenizer amounts to.
std::string pre_tokenizer_name(const json::value& doc, const std::string& where) {
    const json::value* pre = member(doc, "pre_tokenizer");
    if (!pre) throw Error(where + ": no pre_tokenizer; only the Llama 3 split (llama-bpe) is supported");
    std::vector<const json::value*> steps;
    collect_steps(*pre, steps);
    bool llama3 = false, byte_level = false;
    for (const json::value* s : steps) {
        if (is_type(*s, "Split")) {
            const json::value* pattern = member(*s, "pattern");
            const json::value* regex = pattern ? member(*pattern, "Regex") : nullptr;
            if (!regex || !regex->is_string() || regex->as_string() != kLlama3Split)
                throw Error(where + ": the pre-tokenizer's split pattern is not Llama 3's; only the Llama 3 split "
                                    "(llama-bpe) is supported");
            llama3 = true;
        } else if (is_type(*s, "ByteLevel")) {
            const json::value* use_regex = member(*s, "use_regex");
            if (!use_regex || !use_regex->is_bool() || use_regex->as_bool())
                throw Error(where + ": a ByteLevel pre-tokenizer with its own (GPT-2) split is not supported; "
                                    "only the Llama 3 split (llama-bpe) is");
            byte_level = true;
        } else {
            throw Error(where + ": unsupported pre-tokenizer step; only Split (Llama 3) + ByteLevel is supported");
        }
    }
    if (!llama3 || !byte_level) throw Error(where + ": the pre-tokenizer is not the Llama 3 Split + ByteLevel pair");
    return "llama-bpe";
}

int32_t checked_id(const json::value& v, uint32_t n_vocab, const std::string& what) {
    if (!v.is_int64() || v.as_int64() < 0) throw Error(what + " has no valid id");
    if (v.as_int64() >= n_vocab)
        throw Error(what + " has id " + std::to_string(v.as_int64()) + ", past vocab_size " + std::to_string(n_vocab) +
                    " of config.json");
    return static_cast<int32_t>(v.as_int64());
}

}  // namespace

tokenizer::Vocabulary read_tokenizer_json(const std::filesystem::path& path, uint32_t n_vocab) {
    const std::string where = path.string();
    const json::value doc = read_json_file(path);
    const json::value* model = member(doc, "model");
    if (!model || !is_type(*model, "BPE")) throw Error(where + ": model.type is not BPE");
    if (const json::value* bf = member(*model, "byte_fallback"); bf && bf->is_bool() && bf->as_bool())
        throw Error(where + ": a byte-fallback BPE (SentencePiece style) needs tokenizer.model");
    const json::value* decoder = member(doc, "decoder");
    if (!decoder || !is_type(*decoder, "ByteLevel")) throw Error(where + ": the decoder is not ByteLevel");

    tokenizer::Vocabulary v;
    v.model = "gpt2";
    v.pre = pre_tokenizer_name(doc, where);
    v.tokens.assign(n_vocab, std::string());
    v.types.assign(n_vocab, -1);
    const auto place = [&](int32_t id, const std::string& text, TokenType type) {
        if (v.types[id] >= 0 && v.tokens[id] != text)
            throw Error(where + ": id " + std::to_string(id) + " is both '" + v.tokens[id] + "' and '" + text + "'");
        v.tokens[id] = text;
        v.types[id] = static_cast<int32_t>(type);
    };

    const json::value* vocab = member(*model, "vocab");
    if (!vocab || !vocab->is_object()) throw Error(where + ": model.vocab is not an object");
    for (const auto& [text, id] : vocab->as_object())
        place(checked_id(id, n_vocab, where + ": token '" + std::string(text) + "'"), std::string(text),
              TokenType::Normal);
    if (const json::value* added = member(doc, "added_tokens"); added && added->is_array()) {
        for (const json::value& a : added->as_array()) {
            const json::value* content = member(a, "content");
            const json::value* id = member(a, "id");
            if (!content || !content->is_string() || !id) throw Error(where + ": an added token lacks id or content");
            const json::value* special = member(a, "special");
            const bool is_special = special && special->is_bool() && special->as_bool();
            place(checked_id(*id, n_vocab, where + ": added token '" + std::string(content->as_string()) + "'"),
                  std::string(content->as_string()), is_special ? TokenType::Control : TokenType::UserDefined);
        }
    }
    for (uint32_t i = 0; i < n_vocab; ++i) {
        if (v.types[i] >= 0) continue;
        v.tokens[i] = "[PAD" + std::to_string(i) + "]";
        v.types[i] = static_cast<int32_t>(TokenType::UserDefined);
    }

    const json::value* merges = member(*model, "merges");
    if (!merges || !merges->is_array()) throw Error(where + ": model.merges is not a list");
    v.merges.reserve(merges->as_array().size());
    for (const json::value& m : merges->as_array()) {
        // Older files write "left right"; newer ones ["left", "right"].
        if (m.is_string()) {
            v.merges.emplace_back(m.as_string());
        } else if (m.is_array() && m.as_array().size() == 2 && m.as_array()[0].is_string() &&
                   m.as_array()[1].is_string()) {
            const std::string l(m.as_array()[0].as_string()), r(m.as_array()[1].as_string());
            if (l.find(' ') != std::string::npos || r.find(' ') != std::string::npos)
                throw Error(where + ": merge of '" + l + "' and '" + r + "' has a space, which GGUF merges cannot hold");
            v.merges.push_back(l + " " + r);
        } else {
            throw Error(where + ": a merge is neither \"left right\" nor [left, right]");
        }
    }
    v.add_bos = true;  // Llama 3's post-processor prepends <|begin_of_text|>
    return v;
}

}  // namespace bitnet::model_tool
