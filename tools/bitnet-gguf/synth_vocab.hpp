// SPDX-License-Identifier: MIT
// A small SentencePiece-style ("llama") vocabulary made from nothing, for
// synthetic models when no --vocab file is given.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bitnet/gguf_writer.hpp"

namespace bitnet::gguf_tool {

struct SynthVocab {
    std::vector<std::string> tokens;
    std::vector<float> scores;
    std::vector<int32_t> types;  // 1 normal, 2 unknown, 3 control, 6 byte
};

// Exactly n_vocab tokens: <unk>, <s>, </s>, the 256 byte tokens <0x00>..<0xFF>,
// the single characters (U+2581 and printable ASCII), then pieces learnt by BPE
// on a built-in text and, past what that text yields, concatenations of
// existing tokens. Every piece is the concatenation of two earlier tokens and
// scores below them, so SentencePiece merging reaches it. Throws bitnet::Error
// when n_vocab is too small to hold the fixed part.
SynthVocab make_synth_vocab(size_t n_vocab);

// Writes the tokenizer.ggml.* keys of a "llama" model for `v` (unk 0, bos 1, eos 2).
void set_vocab_keys(gguf::GgufWriter& w, const SynthVocab& v);

}  // namespace bitnet::gguf_tool
