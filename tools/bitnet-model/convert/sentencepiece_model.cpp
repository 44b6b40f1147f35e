// SPDX-License-Identifier: MIT
// tokenizer.model (SentencePiece) through libsentencepiece.
#include <sentencepiece_processor.h>

#include "bitnet/error.hpp"
#include "convert/checkpoint_vocab.hpp"

namespace bitnet::model_tool {

tokenizer::Vocabulary read_sentencepiece_model(const std::filesystem::path& path, uint32_t n_vocab) {
    using tokenizer::TokenType;
    sentencepiece::SentencePieceProcessor sp;
    if (const auto status = sp.Load(path.string()); !status.ok())
        throw Error(path.string() + ": SentencePiece cannot load it: " + status.ToString());
    const int n = sp.GetPieceSize();
    if (n <= 0 || static_cast<uint32_t>(n) > n_vocab)
        throw Error(path.string() + ": " + std::to_string(n) + " pieces, but config.json's vocab_size is " +
                    std::to_string(n_vocab));
    tokenizer::Vocabulary v;
    v.model = "llama";
    for (int i = 0; i < n; ++i) {
        TokenType type = TokenType::Normal;
        if (sp.IsUnknown(i)) type = TokenType::Unknown;
        else if (sp.IsControl(i)) type = TokenType::Control;
        else if (sp.IsUnused(i)) type = TokenType::Unused;
        else if (sp.IsByte(i)) type = TokenType::Byte;
        v.tokens.push_back(sp.IdToPiece(i));
        v.scores.push_back(sp.GetScore(i));
        v.types.push_back(static_cast<int32_t>(type));
    }
    for (uint32_t i = static_cast<uint32_t>(n); i < n_vocab; ++i) {
        v.tokens.push_back("[PAD" + std::to_string(i) + "]");
        v.scores.push_back(-1000.0f);
        v.types.push_back(static_cast<int32_t>(TokenType::Unused));
    }
    v.bos = sp.bos_id();
    v.eos = sp.eos_id();
    v.unk = sp.unk_id();
    v.add_bos = true;
    // The model's normalizer decides the leading "▁"; its effect on one letter shows it
    // without reading the model proto.
    std::vector<std::string> pieces;
    if (sp.Encode("x", &pieces).ok() && !pieces.empty())
        v.add_space_prefix = pieces.front().rfind("\xE2\x96\x81", 0) == 0;
    return v;
}

}  // namespace bitnet::model_tool
