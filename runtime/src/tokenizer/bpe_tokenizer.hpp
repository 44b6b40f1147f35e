// SPDX-License-Identifier: MIT
// Byte-level BPE (tokenizer.ggml.model "gpt2", the Llama 3 vocabulary): text is
// split by a pre-tokenizer, each piece's bytes are mapped to GPT-2's printable
// characters and merged pairwise by merge rank.
#pragma once

#include <string>

#include "bitnet/tokenizer.hpp"
#include "tokenizer/pre_tokenizer.hpp"
#include "tokenizer/token_table.hpp"

namespace bitnet::tokenizer {

class BpeTokenizer final : public Tokenizer {
public:
    BpeTokenizer(Vocabulary vocab, const TokenizerOptions& options, std::string_view source);

    std::vector<int32_t> encode(std::string_view text, const EncodeOptions& opt) const override;
    std::string token_to_piece(int32_t id, bool special = false) const override;
    std::string decode(std::span<const int32_t> ids, bool special = false) const override;
    std::string detokenize(std::span<const int32_t> ids, bool special = false) const override;

    int32_t n_vocab() const override { return table_.size(); }
    int32_t bos() const override { return table_.bos(); }
    int32_t eos() const override { return table_.eos(); }
    bool add_bos() const override { return add_bos_; }
    bool is_end_of_generation(int32_t id) const override { return table_.is_end_of_generation(id); }
    const std::string& token_text(int32_t id) const override;
    std::string_view kind() const override { return "bpe"; }
    std::string describe_rule() const override;

    struct RuleChoice {
        PreRule rule;
        std::string why;
    };

private:
    // Appends the tokens of one pre-token given as mapped characters.
    void encode_mapped(std::string_view mapped, std::vector<int32_t>& out) const;

    TokenTable table_;
    StringMap<int32_t> ranks_;  // "left right" -> rank (index in tokenizer.ggml.merges)
    RuleChoice choice_;
    PreTokenizer pre_;
    bool add_bos_{false};
};

// bitnet.cpp's detokenizer tidy-up (clean_up_tokenization_spaces): drops the space
// before ? ! . , and around a lone apostrophe, and before 's 'm 're 've.
std::string clean_up_spaces(std::string_view text);

}  // namespace bitnet::tokenizer
