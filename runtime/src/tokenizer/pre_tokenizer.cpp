// SPDX-License-Identifier: MIT
#include "tokenizer/pre_tokenizer.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <string>

#include "bitnet/error.hpp"

namespace bitnet::tokenizer {
namespace {

// Llama 3's split pattern (tokenizer.json of Meta-Llama-3). The contractions are
// spelled with ASCII classes instead of (?i:...) because PCRE2's Unicode case
// folding would also accept e.g. "'ſ" (long s), which bitnet.cpp does not.
constexpr std::string_view kLlama3Pattern =
    R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD]))"
    R"(|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

// bitnet.cpp's "default" pre-tokenizer (used when tokenizer.ggml.pre is absent):
// punctuation runs, then GPT-2's pattern, then digit runs, then groups of three
// ASCII digits.
constexpr std::string_view kDefaultPatterns[] = {
    R"([\p{P}\$\+<=>\^~\|]+)",
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))",
    R"(\p{N}+)",
    R"([0-9][0-9][0-9])",
};

std::string pcre2_message(int code) {
    PCRE2_UCHAR buffer[256];
    if (pcre2_get_error_message(code, buffer, sizeof buffer) < 0) return "error " + std::to_string(code);
    return reinterpret_cast<const char*>(buffer);
}

struct MatchData {
    pcre2_match_data* data;
    MatchData() : data(pcre2_match_data_create(1, nullptr)) {
        if (data == nullptr) throw Error("pre-tokenizer: out of memory");
    }
    ~MatchData() { pcre2_match_data_free(data); }
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
};

}  // namespace

std::string_view pre_rule_name(PreRule rule) {
    return rule == PreRule::Llama3 ? "llama-bpe" : "default";
}

SplitRegex::SplitRegex(std::string_view pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    code_ = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                          PCRE2_UTF | PCRE2_UCP, &error, &offset, nullptr);
    if (code_ == nullptr)
        throw Error("pre-tokenizer regex does not compile at offset " + std::to_string(offset) + ": " +
                    pcre2_message(error));
    // Without JIT support (some platforms, hardened kernels) the interpreter runs
    // the same pattern, only slower.
    (void)pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE);
}

SplitRegex::~SplitRegex() { pcre2_code_free(code_); }

void SplitRegex::split(std::string_view text, std::vector<std::string_view>& out) const {
    thread_local MatchData match;
    const auto subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;
    while (start < text.size()) {
        // The caller guarantees valid UTF-8; skipping the check keeps the loop
        // linear (PCRE2 would otherwise re-check the whole subject per call).
        const int rc = pcre2_match(code_, subject, text.size(), start, PCRE2_NO_UTF_CHECK, match.data, nullptr);
        if (rc == PCRE2_ERROR_NOMATCH) break;
        if (rc < 0) throw Error("pre-tokenizer regex failed: " + pcre2_message(rc));
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(match.data);
        const size_t begin = ov[0], end = ov[1];
        if (begin > start) out.push_back(text.substr(start, begin - start));
        if (end == begin) {
            // None of our patterns matches empty; still never loop on one.
            start = begin;
            break;
        }
        out.push_back(text.substr(begin, end - begin));
        start = end;
    }
    if (start < text.size()) out.push_back(text.substr(start));
}

PreTokenizer::PreTokenizer(PreRule rule) {
    if (rule == PreRule::Llama3) {
        regexes_.push_back(std::make_unique<SplitRegex>(kLlama3Pattern));
    } else {
        for (std::string_view p : kDefaultPatterns) regexes_.push_back(std::make_unique<SplitRegex>(p));
    }
}

std::vector<std::string_view> PreTokenizer::split(std::string_view text) const {
    std::vector<std::string_view> pieces;
    if (text.empty()) return pieces;
    pieces.push_back(text);
    std::vector<std::string_view> next;
    for (const auto& regex : regexes_) {
        next.clear();
        for (std::string_view piece : pieces) regex->split(piece, next);
        pieces.swap(next);
    }
    return pieces;
}

}  // namespace bitnet::tokenizer
