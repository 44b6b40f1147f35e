// SPDX-License-Identifier: MIT
// The vocabulary of a Hugging Face checkpoint as tokenizer.ggml.* content:
// tokenizer.json when it is byte-level BPE (Llama 3, tokenizer.ggml.model
// "gpt2", pre "llama-bpe"), else tokenizer.model through SentencePiece ("llama").
#pragma once

#include <filesystem>
#include <string>

#include "bitnet/tokenizer.hpp"
#include "convert/hf_config.hpp"

namespace bitnet::model_tool {

// Exactly config.hp.n_vocab tokens: ids the tokenizer does not use become
// "[PAD<id>]" (user-defined). BOS and EOS come from tokenizer_config.json, else
// config.json. source_out names the file read. Throws bitnet::Error naming the
// file for anything this runtime's tokenizers cannot reproduce.
tokenizer::Vocabulary read_checkpoint_vocabulary(const std::filesystem::path& dir, const HfConfig& config,
                                                 std::string& source_out);

// tokenizer.json alone (byte-level BPE); exposed for tests.
tokenizer::Vocabulary read_tokenizer_json(const std::filesystem::path& path, uint32_t n_vocab);

// tokenizer.model alone (SentencePiece); exposed for tests.
tokenizer::Vocabulary read_sentencepiece_model(const std::filesystem::path& path, uint32_t n_vocab);

}  // namespace bitnet::model_tool
