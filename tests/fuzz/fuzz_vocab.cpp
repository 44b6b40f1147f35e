// SPDX-License-Identifier: MIT
// Tokenizer construction from a hostile GGUF: tokenizer.ggml.* read from any
// bytes either builds a tokenizer that encodes and decodes a fixed text with ids
// inside its vocabulary, or fails with a bitnet::Error naming the file.
#include <cstdint>
#include <memory>
#include <string>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static bitnet::fuzz::MemFile file;
    const std::string& path = file.write(data, size);
    std::unique_ptr<bitnet::tokenizer::Tokenizer> tok;
    try {
        bitnet::gguf::GgufFile f(path);
        tok = bitnet::tokenizer::load_tokenizer(f);
    } catch (const bitnet::Error& e) {
        BITNET_FUZZ_CHECK(std::string(e.what()).rfind(path + ": ", 0) == 0);
        return 0;
    }
    // The tokenizer owns everything it needs: the file is closed by now.
    for (bool special : {false, true}) {
        const auto ids = tok->encode("Hello <s> wörld\n\t 123 <|eot_id|>!", {.add_bos = true, .parse_special = special});
        for (int32_t id : ids) BITNET_FUZZ_CHECK(id >= 0 && id < tok->n_vocab());
        (void)tok->decode(ids, special);
        (void)tok->detokenize(ids, special);
    }
    BITNET_FUZZ_CHECK(tok->bos() < tok->n_vocab() && tok->eos() < tok->n_vocab());
    return 0;
}
