// SPDX-License-Identifier: MIT
// SentencePiece-style BPE over a scored vocabulary (tokenizer.ggml.model "llama"),
// applied the way bitnet.cpp applies it: characters merge pairwise, best score
// first, and characters that never become a token fall back to byte tokens.
#pragma once

#include "bitnet/tokenizer.hpp"
#include "tokenizer/token_table.hpp"

namespace bitnet::tokenizer {

class SpmTokenizer final : public Tokenizer {
public:
    SpmTokenizer(Vocabulary vocab, std::string_view source);

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
    std::string_view kind() const override { return "spm"; }
    std::string describe_rule() const override;

private:
    // Appends the tokens of one stretch of text whose spaces are already U+2581.
    void encode_escaped(std::string_view text, std::vector<int32_t>& out) const;
    void append_bytes(std::string_view bytes, std::vector<int32_t>& out) const;

    TokenTable table_;
    bool add_bos_{true};
    bool add_space_prefix_{true};
    int32_t byte_ids_[256];  // <0xXX> token per byte, -1 if the vocabulary lacks it
};

}  // namespace bitnet::tokenizer
