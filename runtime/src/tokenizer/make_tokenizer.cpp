// SPDX-License-Identifier: MIT
// Choosing the tokenizer implementation a vocabulary names.
#include "bitnet/error.hpp"
#include "bitnet/tokenizer.hpp"
#include "tokenizer/bpe_tokenizer.hpp"
#include "tokenizer/spm_tokenizer.hpp"

namespace bitnet::tokenizer {

std::unique_ptr<Tokenizer> make_tokenizer(Vocabulary vocab, const TokenizerOptions& options,
                                          std::string_view source) {
    if (vocab.model == "llama") {
        if (!options.pre_tokenizer.empty())
            throw Error(std::string(source) +
                        ": a pre-tokenizer can only be chosen for byte-level BPE (tokenizer.ggml.model = gpt2), "
                        "this vocabulary is SentencePiece (llama)");
        return std::make_unique<SpmTokenizer>(std::move(vocab), source);
    }
    if (vocab.model == "gpt2") return std::make_unique<BpeTokenizer>(std::move(vocab), options, source);
    throw Error(std::string(source) + ": tokenizer.ggml.model '" + vocab.model +
                "' is not supported (expected llama or gpt2)");
}

}  // namespace bitnet::tokenizer
