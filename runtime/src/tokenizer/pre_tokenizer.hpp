// SPDX-License-Identifier: MIT
// Splits text into pre-tokens with PCRE2 regexes (UTF, Unicode properties, JIT),
// before byte-level BPE merges inside each pre-token.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

struct pcre2_real_code_8;

namespace bitnet::tokenizer {

enum class PreRule {
    Default,  // bitnet.cpp's fallback: four regexes in sequence, merges always applied
    Llama3,   // the Llama 3 regex; a pre-token that is a whole token is kept as is
};

std::string_view pre_rule_name(PreRule rule);  // "default" or "llama-bpe"

// One compiled pattern. Matches and the stretches between them both become
// pieces, so splitting never drops text.
class SplitRegex {
public:
    explicit SplitRegex(std::string_view pattern);
    ~SplitRegex();
    SplitRegex(const SplitRegex&) = delete;
    SplitRegex& operator=(const SplitRegex&) = delete;

    // Appends the pieces of text to out; text must be valid UTF-8.
    void split(std::string_view text, std::vector<std::string_view>& out) const;

private:
    pcre2_real_code_8* code_{nullptr};
};

class PreTokenizer {
public:
    explicit PreTokenizer(PreRule rule);
    // Pieces of text in order, their concatenation is text; text must be valid
    // UTF-8. Each regex splits the pieces the previous one produced, and
    // lookarounds see a piece's ends as the ends of the text.
    std::vector<std::string_view> split(std::string_view text) const;

private:
    std::vector<std::unique_ptr<SplitRegex>> regexes_;
};

}  // namespace bitnet::tokenizer
