// SPDX-License-Identifier: MIT
// What both tokenizer models share: the token strings, their types and scores,
// text -> id lookup, the special ids, and cutting special-token text out of input.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "bitnet/tokenizer.hpp"

namespace bitnet::tokenizer {

struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
// Looked up with string_view keys without building a std::string.
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

// A piece of input: either raw text to tokenize or one special token.
struct Fragment {
    std::string_view text;
    int32_t token{-1};  // >= 0: this fragment is that special token
};

class TokenTable {
public:
    // Takes tokens, scores and types out of vocab and checks them and the special
    // ids; errors start with source.
    TokenTable(Vocabulary& vocab, std::string_view source);

    int32_t size() const { return static_cast<int32_t>(tokens_.size()); }
    const std::string& source() const { return source_; }
    // Throws "token id N is outside the vocabulary (M tokens)".
    void check_id(int32_t id) const;
    const std::string& text(int32_t id) const { return tokens_[id]; }
    TokenType type(int32_t id) const { return types_[id]; }
    float score(int32_t id) const { return scores_[id]; }
    // Id of the token whose text is exactly s, or -1. When two tokens share a
    // text the later id wins, as in bitnet.cpp.
    int32_t find(std::string_view s) const;

    int32_t bos() const { return bos_; }
    int32_t eos() const { return eos_; }
    int32_t unk() const { return unk_; }
    bool is_end_of_generation(int32_t id) const;

    // Cuts the text of special tokens out of text, longest token first (so
    // "<|eot_id|>" wins over any shorter token inside it), as bitnet.cpp does.
    // Control and unknown tokens count only with parse_special; user-defined
    // tokens always do.
    std::vector<Fragment> split_special(std::string_view text, bool parse_special) const;

private:
    std::string source_;
    std::vector<std::string> tokens_;
    std::vector<TokenType> types_;
    std::vector<float> scores_;
    StringMap<int32_t> ids_;
    std::vector<int32_t> specials_;  // by text length, longest first
    std::vector<int32_t> end_ids_;
    int32_t bos_{-1}, eos_{-1}, unk_{-1};
};

}  // namespace bitnet::tokenizer
