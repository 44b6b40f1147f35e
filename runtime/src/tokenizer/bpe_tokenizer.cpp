// SPDX-License-Identifier: MIT
#include "tokenizer/bpe_tokenizer.hpp"

#include <queue>

#include "bitnet/error.hpp"
#include "tokenizer/byte_level.hpp"
#include "tokenizer/utf8.hpp"

namespace bitnet::tokenizer {
namespace {

constexpr int32_t kLlama3Size = 128256;
constexpr int32_t kLlama3Bos = 128000;

bool is_llama3_vocabulary(const TokenTable& table) {
    return table.size() == kLlama3Size && table.text(kLlama3Bos) == "<|begin_of_text|>" &&
           table.text(kLlama3Bos + 1) == "<|end_of_text|>" && table.find("<|eot_id|>") >= 0;
}

BpeTokenizer::RuleChoice choose_rule(const TokenTable& table, const std::optional<std::string>& pre,
                                     const std::string& forced) {
    const std::string file_says =
        pre ? "tokenizer.ggml.pre = " + *pre : std::string("tokenizer.ggml.pre is absent");
    if (!forced.empty()) {
        if (forced == "default") return {PreRule::Default, "forced by option (" + file_says + ")"};
        if (forced == "llama-bpe") return {PreRule::Llama3, "forced by option (" + file_says + ")"};
        throw Error("unknown pre-tokenizer '" + forced + "' (expected default or llama-bpe)");
    }
    if (pre) {
        if (*pre == "default") return {PreRule::Default, file_says};
        // Falcon3 (and Falcon-E) files name their own rule, which llama.cpp runs as Llama 3's.
        if (*pre == "llama-bpe" || *pre == "llama3" || *pre == "llama-v3" || *pre == "falcon3" || *pre == "falcon_e")
            return {PreRule::Llama3, file_says};
        throw Error(table.source() + ": tokenizer.ggml.pre '" + *pre +
                    "' is not supported (known: default, llama-bpe, llama3, llama-v3, falcon3, falcon_e); force one "
                    "with the pre-tokenizer option");
    }
    if (is_llama3_vocabulary(table))
        return {PreRule::Llama3, file_says +
                                     " but the vocabulary is Llama 3's (128256 tokens, <|begin_of_text|> at "
                                     "128000), whose models were trained with this rule; bitnet.cpp would use "
                                     "its 'default' regexes here (force 'default' to reproduce it)"};
    return {PreRule::Default, file_says + ": bitnet.cpp's fallback"};
}

struct Symbol {
    uint32_t start, len;
    int32_t prev, next;
};

struct Candidate {
    int32_t rank;
    int32_t left, right;
    uint32_t len;  // left.len + right.len when queued; a mismatch later means stale
};

// Lowest rank first; on equal ranks (the same merge twice) the leftmost pair.
struct CandidateOrder {
    bool operator()(const Candidate& a, const Candidate& b) const {
        if (a.rank != b.rank) return a.rank > b.rank;
        return a.left > b.left;
    }
};

}  // namespace

BpeTokenizer::BpeTokenizer(Vocabulary vocab, const TokenizerOptions& options, std::string_view source)
    : table_(vocab, source),
      choice_(choose_rule(table_, vocab.pre, options.pre_tokenizer)),
      pre_(choice_.rule),
      add_bos_(vocab.add_bos.value_or(choice_.rule == PreRule::Llama3)) {
    ranks_.reserve(vocab.merges.size());
    for (size_t i = 0; i < vocab.merges.size(); ++i) {
        std::string& merge = vocab.merges[i];
        // Mapped token text never holds a space, so the first one after the first
        // character separates the pair.
        if (merge.size() < 3 || merge.find(' ', 1) == std::string::npos)
            throw Error(table_.source() + ": merge " + std::to_string(i) + " '" + merge +
                        "' is not two tokens separated by a space");
        // The first occurrence sets the rank, as in bitnet.cpp.
        ranks_.try_emplace(std::move(merge), static_cast<int32_t>(i));
    }
}

const std::string& BpeTokenizer::token_text(int32_t id) const {
    table_.check_id(id);
    return table_.text(id);
}

std::string BpeTokenizer::describe_rule() const {
    return "byte-level BPE (tokenizer.ggml.model = gpt2), pre-tokenizer " +
           std::string(pre_rule_name(choice_.rule)) + ": " + choice_.why;
}

std::vector<int32_t> BpeTokenizer::encode(std::string_view text, const EncodeOptions& opt) const {
    std::vector<int32_t> out;
    if (opt.add_bos && add_bos_ && table_.bos() >= 0) out.push_back(table_.bos());
    for (const Fragment& f : table_.split_special(text, opt.parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            continue;
        }
        const std::string clean = sanitize_utf8(f.text);
        for (std::string_view piece : pre_.split(clean)) encode_mapped(bytes_to_mapped(piece), out);
    }
    return out;
}

void BpeTokenizer::encode_mapped(std::string_view text, std::vector<int32_t>& out) const {
    if (choice_.rule == PreRule::Llama3) {
        if (const int32_t id = table_.find(text); id >= 0) {
            out.push_back(id);
            return;
        }
    }
    std::vector<Symbol> symbols;
    for (size_t pos = 0; pos < text.size();) {
        const size_t len = std::min(utf8_lead_length(static_cast<uint8_t>(text[pos])), text.size() - pos);
        const auto index = static_cast<int32_t>(symbols.size());
        symbols.push_back({static_cast<uint32_t>(pos), static_cast<uint32_t>(len), index - 1, index + 1});
        pos += len;
    }
    if (symbols.empty()) return;
    symbols.back().next = -1;

    std::priority_queue<Candidate, std::vector<Candidate>, CandidateOrder> queue;
    std::string key;
    const auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[left];
        const Symbol& r = symbols[right];
        key.assign(text.substr(l.start, l.len));
        key += ' ';
        key.append(text.substr(r.start, r.len));
        const auto it = ranks_.find(key);
        if (it != ranks_.end()) queue.push({it->second, left, right, l.len + r.len});
    };
    for (size_t i = 1; i < symbols.size(); ++i) consider(static_cast<int32_t>(i - 1), static_cast<int32_t>(i));

    while (!queue.empty()) {
        const Candidate c = queue.top();
        queue.pop();
        Symbol& l = symbols[c.left];
        Symbol& r = symbols[c.right];
        if (l.len == 0 || r.len == 0 || l.next != c.right || l.len + r.len != c.len) continue;
        l.len += r.len;
        r.len = 0;
        l.next = r.next;
        if (r.next >= 0) symbols[r.next].prev = c.left;
        consider(l.prev, c.left);
        consider(c.left, l.next);
    }

    for (int32_t i = 0; i >= 0; i = symbols[i].next) {
        const std::string_view piece = text.substr(symbols[i].start, symbols[i].len);
        if (const int32_t id = table_.find(piece); id >= 0) {
            out.push_back(id);
            continue;
        }
        // A merge produced text that is no token (never in a consistent
        // vocabulary): fall back to one token per mapped byte.
        for (size_t pos = 0; pos < piece.size();) {
            const size_t len = std::min(utf8_lead_length(static_cast<uint8_t>(piece[pos])), piece.size() - pos);
            int32_t id = table_.find(piece.substr(pos, len));
            if (id < 0) id = table_.unk();
            if (id >= 0) out.push_back(id);
            pos += len;
        }
    }
}

std::string BpeTokenizer::token_to_piece(int32_t id, bool special) const {
    table_.check_id(id);
    const std::string& text = table_.text(id);
    switch (table_.type(id)) {
        case TokenType::Normal:
            return mapped_to_bytes(text);
        case TokenType::UserDefined:
            return text;
        case TokenType::Control:
        case TokenType::Unknown:
            return special ? text : std::string();
        default:
            return {};
    }
}

std::string BpeTokenizer::decode(std::span<const int32_t> ids, bool special) const {
    std::string out;
    for (int32_t id : ids) out += token_to_piece(id, special);
    return out;
}

std::string BpeTokenizer::detokenize(std::span<const int32_t> ids, bool special) const {
    return clean_up_spaces(decode(ids, special));
}

std::string clean_up_spaces(std::string_view text) {
    // Three passes over bytes, each seeing the previous pass's output.
    std::string a;
    a.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char x = text[i];
        if (i > 0 && text[i - 1] == ' ' && (x == '?' || x == '!' || x == '.' || x == ',')) a.pop_back();
        a += x;
    }

    // " ' " becomes "'"; the space after it is consumed and not seen as the next
    // character's predecessor.
    std::string b;
    b.reserve(a.size());
    char prev = a.empty() ? '\0' : a[0];
    if (!a.empty()) b += a[0];
    for (size_t i = 1; i < a.size(); ++i) {
        const char x = a[i];
        if (x == '\'' && prev == ' ' && i + 1 < a.size() && a[i + 1] == ' ') {
            b.pop_back();
            b += x;
            ++i;
            prev = '\0';
            continue;
        }
        b += x;
        prev = x;
    }

    // " 's", " 'm", " 're", " 've" lose the space; " 't", " 'd", " 'll" keep it.
    std::string c;
    c.reserve(b.size());
    for (size_t i = 0; i < b.size(); ++i) {
        const char x = b[i];
        if (i > 0 && b[i - 1] == ' ' && x == '\'' && i + 1 < b.size()) {
            const char x1 = b[i + 1];
            const bool two = i + 2 < b.size();
            if (x1 == 's' || x1 == 'm' || (two && (x1 == 'r' || x1 == 'v') && b[i + 2] == 'e')) c.pop_back();
        }
        c += x;
    }
    return c;
}

}  // namespace bitnet::tokenizer
