// SPDX-License-Identifier: MIT
#include "tokenizer/spm_tokenizer.hpp"

#include <charconv>
#include <cstdio>
#include <queue>

#include "tokenizer/utf8.hpp"

namespace bitnet::tokenizer {
namespace {

constexpr std::string_view kSpaceMark = "\xE2\x96\x81";  // U+2581, SentencePiece's space

std::string escape_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (c == ' ')
            out += kSpaceMark;
        else
            out += c;
    }
    return out;
}

std::string unescape_spaces(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t pos = 0;
    for (size_t hit; (hit = text.find(kSpaceMark, pos)) != std::string_view::npos;) {
        out.append(text.substr(pos, hit - pos));
        out += ' ';
        pos = hit + kSpaceMark.size();
    }
    out.append(text.substr(pos));
    return out;
}

// The byte a "<0xXX>" token stands for, or -1 when the text is not of that form.
int parse_byte_token(std::string_view text) {
    int value = 0;
    if (text.size() != 6 || !text.starts_with("<0x") || text[5] != '>') return -1;
    const auto [end, ec] = std::from_chars(text.data() + 3, text.data() + 5, value, 16);
    return ec == std::errc() && end == text.data() + 5 ? value : -1;
}

// A run of the input: merging grows the left symbol and empties the right one.
struct Symbol {
    uint32_t start, len;
    int32_t prev, next;
};

struct Candidate {
    float score;
    int32_t left, right;
    uint32_t len;  // left.len + right.len when queued; a mismatch later means stale
};

// Highest score first; on equal scores the leftmost pair.
struct CandidateOrder {
    bool operator()(const Candidate& a, const Candidate& b) const {
        if (a.score != b.score) return a.score < b.score;
        return a.left > b.left;
    }
};

}  // namespace

SpmTokenizer::SpmTokenizer(Vocabulary vocab, std::string_view source)
    : table_(vocab, source),
      add_bos_(vocab.add_bos.value_or(true)),
      add_space_prefix_(vocab.add_space_prefix.value_or(true)) {
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        byte_ids_[b] = table_.find(name);
    }
}

const std::string& SpmTokenizer::token_text(int32_t id) const {
    table_.check_id(id);
    return table_.text(id);
}

std::string SpmTokenizer::describe_rule() const {
    return std::string("SentencePiece BPE (tokenizer.ggml.model = llama): highest-score merges, "
                       "byte fallback, space prefix ") +
           (add_space_prefix_ ? "on" : "off");
}

std::vector<int32_t> SpmTokenizer::encode(std::string_view text, const EncodeOptions& opt) const {
    std::vector<int32_t> out;
    if (opt.add_bos && add_bos_ && table_.bos() >= 0) out.push_back(table_.bos());
    // The prefix space goes before the first text and again after every special
    // token, as in bitnet.cpp (SentencePiece sees each stretch as a new sentence).
    bool after_special = true;
    for (const Fragment& f : table_.split_special(text, opt.parse_special)) {
        if (f.token >= 0) {
            out.push_back(f.token);
            after_special = true;
            continue;
        }
        std::string escaped = escape_spaces(f.text);
        if (add_space_prefix_ && after_special) escaped.insert(0, kSpaceMark);
        encode_escaped(escaped, out);
        after_special = false;
    }
    return out;
}

void SpmTokenizer::encode_escaped(std::string_view text, std::vector<int32_t>& out) const {
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
    const auto consider = [&](int32_t left, int32_t right) {
        if (left < 0 || right < 0) return;
        const Symbol& l = symbols[left];
        const uint32_t len = l.len + symbols[right].len;
        const int32_t id = table_.find(text.substr(l.start, len));
        if (id >= 0) queue.push({table_.score(id), left, right, len});
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
        const int32_t id = table_.find(piece);
        if (id >= 0)
            out.push_back(id);
        else
            append_bytes(piece, out);
    }
}

void SpmTokenizer::append_bytes(std::string_view bytes, std::vector<int32_t>& out) const {
    for (char c : bytes) {
        int32_t id = byte_ids_[static_cast<uint8_t>(c)];
        if (id < 0) id = table_.find(std::string_view(&c, 1));
        if (id < 0) id = table_.unk();
        if (id >= 0) out.push_back(id);
    }
}

std::string SpmTokenizer::token_to_piece(int32_t id, bool special) const {
    table_.check_id(id);
    const std::string& text = table_.text(id);
    switch (table_.type(id)) {
        case TokenType::Normal:
            return unescape_spaces(text);
        case TokenType::Byte:
            if (const int b = parse_byte_token(text); b >= 0) return std::string(1, static_cast<char>(b));
            return text;
        case TokenType::UserDefined:
            return text;
        case TokenType::Control:
        case TokenType::Unknown:
            return special ? text : std::string();
        default:
            return {};
    }
}

std::string SpmTokenizer::decode(std::span<const int32_t> ids, bool special) const {
    std::string out;
    bool strip = add_space_prefix_;
    for (int32_t id : ids) {
        std::string piece = token_to_piece(id, special);
        if (piece.empty()) continue;
        if (strip && piece.front() == ' ') piece.erase(0, 1);
        strip = false;
        out += piece;
    }
    return out;
}

std::string SpmTokenizer::detokenize(std::span<const int32_t> ids, bool special) const {
    // bitnet.cpp strips a space only from the piece of the very first id, even when
    // that id is an (empty) BOS.
    std::string out;
    for (size_t i = 0; i < ids.size(); ++i) {
        std::string piece = token_to_piece(ids[i], special);
        if (i == 0 && add_space_prefix_ && !piece.empty() && piece.front() == ' ') piece.erase(0, 1);
        out += piece;
    }
    return out;
}

}  // namespace bitnet::tokenizer
