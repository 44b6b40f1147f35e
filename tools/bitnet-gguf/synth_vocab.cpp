// SPDX-License-Identifier: MIT
#include "synth_vocab.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>
#include <unordered_set>

#include "bitnet/error.hpp"
#include "bitnet/gguf_model_keys.hpp"

namespace bitnet::gguf_tool {

namespace {

const std::string kSpace = "\xe2\x96\x81";  // U+2581, SentencePiece's space mark
constexpr size_t kLongestPiece = 24;          // bytes

// Text the first pieces are learnt from, so they look like English sub-words.
constexpr const char* kCorpus =
    "Once upon a time there was a little girl who lived in a small house near the woods. "
    "Every morning she walked to the river with her dog and they played in the water. "
    "One day the girl found a shiny stone under a big tree. She picked it up and showed "
    "it to her mother. Her mother smiled and said that the stone was very special. "
    "The girl was happy and she put the stone in a box next to her bed. At night the "
    "stone began to glow, and the little room was full of soft light. The dog barked "
    "and the girl laughed. They looked out of the window and saw the moon and the stars. "
    "The next day she went back to the tree to see if there were more stones. She did "
    "not find any, but she met a friendly bird who sang a song for her. The bird told "
    "her that the forest was full of wonderful things for children who were kind and "
    "brave. From that day on, the girl and her dog went into the woods together, and "
    "they always came home with a new story to tell. They were the best of friends and "
    "they lived happily ever after. What a lovely day it was when they shared their "
    "toys, cookies and games with everyone in the town!";

// SentencePiece pre-processing: spaces become U+2581, one is prepended, and the
// text splits into words that each start with it.
std::vector<std::string> corpus_words() {
    std::vector<std::string> words;
    std::istringstream in(kCorpus);
    std::string w;
    while (in >> w) words.push_back(kSpace + w);
    return words;
}

// Splits a word into single UTF-8 characters.
std::vector<std::string> chars_of(const std::string& word) {
    std::vector<std::string> out;
    for (size_t i = 0; i < word.size();) {
        const unsigned char c = static_cast<unsigned char>(word[i]);
        const size_t len = c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
        out.push_back(word.substr(i, len));
        i += len;
    }
    return out;
}

// Learns up to `limit` merges by BPE: repeatedly joins the most frequent
// adjacent pair (ties broken by the joined text, for determinism).
std::vector<std::string> learn_pieces(size_t limit, const std::unordered_set<std::string>& taken) {
    std::map<std::string, int> freq;
    for (const std::string& w : corpus_words()) ++freq[w];
    std::vector<std::pair<std::vector<std::string>, int>> words;
    for (const auto& [w, n] : freq) words.emplace_back(chars_of(w), n);

    std::vector<std::string> pieces;
    std::unordered_set<std::string> seen(taken);
    while (pieces.size() < limit) {
        std::map<std::pair<std::string, std::string>, int> pairs;
        for (const auto& [syms, n] : words)
            for (size_t i = 0; i + 1 < syms.size(); ++i) pairs[{syms[i], syms[i + 1]}] += n;
        const std::pair<std::string, std::string>* best = nullptr;
        int best_n = 1;  // a pair seen once teaches nothing
        for (const auto& [p, n] : pairs)
            if (n > best_n && !seen.count(p.first + p.second)) {
                best = &p;
                best_n = n;
            }
        if (!best) break;
        const auto [a, b] = *best;
        pieces.push_back(a + b);
        seen.insert(a + b);
        for (auto& [syms, n] : words) {
            std::vector<std::string> merged;
            for (size_t i = 0; i < syms.size(); ++i) {
                if (i + 1 < syms.size() && syms[i] == a && syms[i + 1] == b) {
                    merged.push_back(a + b);
                    ++i;
                } else {
                    merged.push_back(syms[i]);
                }
            }
            syms = std::move(merged);
        }
    }
    return pieces;
}

}  // namespace

SynthVocab make_synth_vocab(size_t n_vocab) {
    SynthVocab v;
    auto add = [&v](std::string text, float score, int32_t type) {
        v.tokens.push_back(std::move(text));
        v.scores.push_back(score);
        v.types.push_back(type);
    };
    add("<unk>", 0.0f, 2);
    add("<s>", 0.0f, 3);
    add("</s>", 0.0f, 3);
    for (int b = 0; b < 256; ++b) {
        char name[8];
        std::snprintf(name, sizeof name, "<0x%02X>", b);
        add(name, 0.0f, 6);
    }
    std::vector<std::string> chars{kSpace};
    for (char c = '!'; c <= '~'; ++c) chars.emplace_back(1, c);
    if (n_vocab < v.tokens.size() + chars.size())
        throw Error("synthetic vocabulary needs at least " +
                    std::to_string(v.tokens.size() + chars.size()) + " tokens, asked for " +
                    std::to_string(n_vocab));

    std::unordered_set<std::string> known(chars.begin(), chars.end());
    const size_t n_pieces = n_vocab - v.tokens.size() - chars.size();
    std::vector<std::string> pieces = learn_pieces(n_pieces, known);
    known.insert(pieces.begin(), pieces.end());

    // Past what the text teaches: join a growing token to a base token, keeping
    // the space mark only at the start of a piece as SentencePiece does.
    std::vector<std::string> base;
    for (const std::string& p : pieces)
        if (p.rfind(kSpace, 0) != 0) base.push_back(p);
    for (char c = 'a'; c <= 'z'; ++c) base.emplace_back(1, c);
    std::vector<std::string> grow{kSpace};
    grow.insert(grow.end(), pieces.begin(), pieces.end());
    grow.insert(grow.end(), base.begin(), base.end());
    for (size_t a = 0; pieces.size() < n_pieces && a < grow.size(); ++a) {
        for (size_t b = 0; b < base.size() && pieces.size() < n_pieces; ++b) {
            std::string p = grow[a] + base[b];
            if (p.size() > kLongestPiece || !known.insert(p).second) continue;
            pieces.push_back(p);
            grow.push_back(p);
        }
    }
    if (pieces.size() < n_pieces)
        throw Error("synthetic vocabulary ran out of pieces at " + std::to_string(pieces.size()));

    // SentencePiece BPE scores: earlier merges score higher; characters lowest.
    for (size_t i = 0; i < chars.size(); ++i)
        add(chars[i], -static_cast<float>(n_pieces + i), 1);
    for (size_t i = 0; i < pieces.size(); ++i) add(pieces[i], -static_cast<float>(i), 1);
    return v;
}

void set_vocab_keys(gguf::GgufWriter& w, const SynthVocab& v) {
    tokenizer::Vocabulary voc;
    voc.model = "llama";
    voc.tokens = v.tokens;
    voc.scores = v.scores;
    voc.types = v.types;
    voc.unk = 0, voc.bos = 1, voc.eos = 2;
    voc.add_bos = true;
    gguf::set_tokenizer_keys(w, voc);
}

}  // namespace bitnet::gguf_tool
