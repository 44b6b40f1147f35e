// SPDX-License-Identifier: MIT
#include "tokenizer/token_table.hpp"

#include <algorithm>

#include "bitnet/error.hpp"

namespace bitnet::tokenizer {
namespace {

// Texts bitnet.cpp also treats as end of generation when they are control tokens.
constexpr std::string_view kEndTexts[] = {
    "<|eot_id|>", "<|eom_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
};

}  // namespace

TokenTable::TokenTable(Vocabulary& vocab, std::string_view source)
    : source_(source), tokens_(std::move(vocab.tokens)) {
    const auto fail = [&](const std::string& what) { throw Error(source_ + ": " + what); };
    const size_t n = tokens_.size();
    if (n == 0) fail("tokenizer.ggml.tokens is empty");
    if (n > static_cast<size_t>(INT32_MAX)) fail("tokenizer.ggml.tokens has too many entries");

    if (!vocab.scores.empty() && vocab.scores.size() != n)
        fail("tokenizer.ggml.scores has " + std::to_string(vocab.scores.size()) + " entries for " +
             std::to_string(n) + " tokens");
    scores_ = vocab.scores.empty() ? std::vector<float>(n, 0.0f) : std::move(vocab.scores);

    if (!vocab.types.empty() && vocab.types.size() != n)
        fail("tokenizer.ggml.token_type has " + std::to_string(vocab.types.size()) +
             " entries for " + std::to_string(n) + " tokens");
    types_.assign(n, TokenType::Normal);
    for (size_t i = 0; i < vocab.types.size(); ++i) {
        const int32_t t = vocab.types[i];
        if (t < 0 || t > static_cast<int32_t>(TokenType::Byte))
            fail("token " + std::to_string(i) + " has unknown token_type " + std::to_string(t));
        types_[i] = static_cast<TokenType>(t);
    }

    ids_.reserve(n);
    for (size_t i = 0; i < n; ++i) ids_[tokens_[i]] = static_cast<int32_t>(i);

    const auto special_id = [&](int32_t id, const char* key) {
        if (id < -1 || id >= static_cast<int32_t>(n))
            fail(std::string("tokenizer.ggml.") + key + " " + std::to_string(id) +
                 " is outside the vocabulary (" + std::to_string(n) + " tokens)");
        return id;
    };
    bos_ = special_id(vocab.bos, "bos_token_id");
    eos_ = special_id(vocab.eos, "eos_token_id");
    unk_ = special_id(vocab.unk, "unknown_token_id");
    int32_t eot = special_id(vocab.eot, "eot_token_id");
    int32_t eom = special_id(vocab.eom, "eom_token_id");
    if (eot < 0) eot = find("<|eot_id|>");
    if (eom < 0) eom = find("<|eom_id|>");

    for (int32_t id : {eos_, eot, eom})
        if (id >= 0) end_ids_.push_back(id);
    for (size_t i = 0; i < n; ++i) {
        const TokenType t = types_[i];
        if (t != TokenType::Control && t != TokenType::UserDefined && t != TokenType::Unknown)
            continue;
        if (!tokens_[i].empty()) specials_.push_back(static_cast<int32_t>(i));
        if (t == TokenType::Control &&
            std::find(std::begin(kEndTexts), std::end(kEndTexts), tokens_[i]) != std::end(kEndTexts))
            end_ids_.push_back(static_cast<int32_t>(i));
    }
    std::stable_sort(specials_.begin(), specials_.end(), [&](int32_t a, int32_t b) {
        return tokens_[a].size() > tokens_[b].size();
    });
    std::sort(end_ids_.begin(), end_ids_.end());
    end_ids_.erase(std::unique(end_ids_.begin(), end_ids_.end()), end_ids_.end());
}

void TokenTable::check_id(int32_t id) const {
    if (id < 0 || id >= size())
        throw Error("token id " + std::to_string(id) + " is outside the vocabulary (" +
                    std::to_string(size()) + " tokens)");
}

int32_t TokenTable::find(std::string_view s) const {
    const auto it = ids_.find(s);
    return it == ids_.end() ? -1 : it->second;
}

bool TokenTable::is_end_of_generation(int32_t id) const {
    return std::binary_search(end_ids_.begin(), end_ids_.end(), id);
}

std::vector<Fragment> TokenTable::split_special(std::string_view text, bool parse_special) const {
    std::vector<Fragment> frags;
    if (text.empty()) return frags;
    frags.push_back({text, -1});
    std::vector<Fragment> next;
    for (int32_t id : specials_) {
        const TokenType t = types_[id];
        if (!parse_special && (t == TokenType::Control || t == TokenType::Unknown)) continue;
        const std::string& special = tokens_[id];
        next.clear();
        bool changed = false;
        for (const Fragment& f : frags) {
            if (f.token >= 0) {
                next.push_back(f);
                continue;
            }
            size_t start = 0;
            for (size_t hit; (hit = f.text.find(special, start)) != std::string_view::npos;) {
                if (hit > start) next.push_back({f.text.substr(start, hit - start), -1});
                next.push_back({f.text.substr(hit, special.size()), id});
                start = hit + special.size();
                changed = true;
            }
            if (start < f.text.size()) next.push_back({f.text.substr(start), -1});
        }
        if (changed) frags.swap(next);
    }
    return frags;
}

}  // namespace bitnet::tokenizer
