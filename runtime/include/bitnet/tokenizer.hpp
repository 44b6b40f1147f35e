// SPDX-License-Identifier: MIT
// Tokenizer interface and the factory that picks the implementation named by a
// GGUF's tokenizer.ggml.model ("llama" = SentencePiece BPE, "gpt2" = byte-level BPE).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bitnet::gguf { class GgufFile; }

namespace bitnet::tokenizer {

struct EncodeOptions {
    bool add_bos{true};        // prepend BOS when the vocabulary asks for it (add_bos_token)
    bool parse_special{true};  // control-token text in the input becomes that token
};

// Values of tokenizer.ggml.token_type.
enum class TokenType : int32_t {
    Undefined = 0, Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6,
};

// Choices a caller can make over what the file says.
struct TokenizerOptions {
    // Byte-level BPE only: "" = the rule the file implies; "default" (bitnet.cpp's
    // four regexes, merges always applied) or "llama-bpe" (the Llama 3 regex,
    // whole pre-tokens found in the vocabulary kept) forces one.
    std::string pre_tokenizer;
};

// The tokenizer.ggml.* content of a GGUF, also buildable by hand (tests, tools).
struct Vocabulary {
    std::string model;                // "llama" or "gpt2"
    std::optional<std::string> pre;   // tokenizer.ggml.pre when present
    std::vector<std::string> tokens;
    std::vector<float> scores;        // empty = all 0
    std::vector<int32_t> types;       // TokenType values; empty = all Normal
    std::vector<std::string> merges;  // "left right", rank = index (gpt2 only)
    int32_t bos{-1}, eos{-1}, unk{-1};
    int32_t eot{-1}, eom{-1};         // -1 = found by token text when present
    std::optional<bool> add_bos;      // absent = the model's default
    std::optional<bool> add_space_prefix;
};

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    virtual std::vector<int32_t> encode(std::string_view text, const EncodeOptions& opt) const = 0;
    // Bytes of one token as it appears in text. Control tokens give "" unless
    // special is true, then their text.
    virtual std::string token_to_piece(int32_t id, bool special = false) const = 0;
    // Concatenated pieces; with a SentencePiece space prefix, drops the one leading
    // space of the first non-empty piece (the one the encoder added), so
    // decode(encode(text)) == text.
    virtual std::string decode(std::span<const int32_t> ids, bool special = false) const = 0;

    virtual int32_t n_vocab() const = 0;
    virtual int32_t bos() const = 0;    // -1 if none
    virtual int32_t eos() const = 0;
    virtual bool add_bos() const = 0;
    // End of generation: EOS, EOT and other end tokens of the vocabulary.
    virtual bool is_end_of_generation(int32_t id) const = 0;
    virtual const std::string& token_text(int32_t id) const = 0;
    virtual std::string_view kind() const = 0;  // "spm" or "bpe"

    // Which splitting/merging rule applies and why, one line for --verbose.
    virtual std::string describe_rule() const { return std::string(kind()); }
    // Text exactly as bitnet.cpp's llama_detokenize renders it (remove_special
    // false): strips a space only from the very first piece, and for byte-level
    // BPE removes spaces before ?!., and some apostrophes. Lossy; for comparison
    // with the reference, not for streaming.
    virtual std::string detokenize(std::span<const int32_t> ids, bool special = false) const {
        return decode(ids, special);
    }
};

// Reads tokenizer.ggml.* from a GGUF; throws bitnet::Error naming the file when
// a key is missing or mistyped.
Vocabulary read_vocabulary(const gguf::GgufFile& file);

// Builds the tokenizer a vocabulary describes; throws bitnet::Error starting with
// source (e.g. the file path) when it is malformed, of an unknown model, or the
// options ask for something it cannot do.
std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab, const TokenizerOptions& options = {},
                                          std::string_view source = "vocabulary");

// Builds the tokenizer a GGUF describes; throws bitnet::Error naming the file
// when the vocabulary is missing, malformed or of an unknown model.
std::unique_ptr<Tokenizer> load_tokenizer(const gguf::GgufFile& file,
                                          const TokenizerOptions& options = {});

}  // namespace bitnet::tokenizer
