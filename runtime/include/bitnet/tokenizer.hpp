// Tokenizer interface and the factory that picks the implementation named by a
// GGUF's tokenizer.ggml.model ("llama" = SentencePiece BPE, "gpt2" = byte-level BPE).
#pragma once

#include <cstdint>
#include <memory>
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

class Tokenizer {
public:
    virtual ~Tokenizer() = default;

    virtual std::vector<int32_t> encode(std::string_view text, const EncodeOptions& opt) const = 0;
    // Bytes of one token as it appears in text. Control tokens give "" unless
    // special is true, then their text.
    virtual std::string token_to_piece(int32_t id, bool special = false) const = 0;
    // Concatenated pieces; drops the one leading space a SentencePiece prefix added
    // when the sequence starts with BOS or strip_leading_space is true.
    virtual std::string decode(std::span<const int32_t> ids, bool special = false) const = 0;

    virtual int32_t n_vocab() const = 0;
    virtual int32_t bos() const = 0;    // -1 if none
    virtual int32_t eos() const = 0;
    virtual bool add_bos() const = 0;
    // End of generation: EOS, EOT and other end tokens of the vocabulary.
    virtual bool is_end_of_generation(int32_t id) const = 0;
    virtual const std::string& token_text(int32_t id) const = 0;
    virtual std::string_view kind() const = 0;  // "spm" or "bpe"
};

// Builds the tokenizer a GGUF describes; throws bitnet::Error naming the file
// when the vocabulary is missing, malformed or of an unknown model.
std::unique_ptr<Tokenizer> load_tokenizer(const gguf::GgufFile& file);

}  // namespace bitnet::tokenizer
