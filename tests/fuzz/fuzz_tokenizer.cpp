// SPDX-License-Identifier: MIT
// A tokenizer built from a real vocabulary (BITNET_FUZZ_VOCAB: the demo model's
// SentencePiece vocabulary or the Llama 3 byte-level BPE one), fed arbitrary
// text to encode and arbitrary ids to decode.
//
// Input: byte 0 holds flags, the rest is the payload.
//   bit 0 add_bos, bit 1 parse_special, bit 2 render specials when decoding,
//   bit 3 set: the payload is little-endian u16 ids (mapped into [-1, n_vocab],
//   so both edges of the range are hit), decoded; clear: the payload is text,
//   encoded, and the ids decoded again.
// Encoding any bytes must succeed with ids inside the vocabulary; decoding must
// succeed for ids inside it and fail with bitnet::Error outside.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>
#include <vector>

#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/tokenizer.hpp"
#include "fuzz_support.hpp"

namespace {

std::unique_ptr<bitnet::tokenizer::Tokenizer> g_tokenizer;

void decode_all_ways(const bitnet::tokenizer::Tokenizer& tok, const std::vector<int32_t>& ids, bool special) {
    (void)tok.decode(ids, special);
    (void)tok.detokenize(ids, special);
    for (int32_t id : ids) {
        (void)tok.token_to_piece(id, special);
        (void)tok.token_text(id);
        (void)tok.is_end_of_generation(id);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    bitnet::gguf::GgufFile file(BITNET_FUZZ_VOCAB);
    g_tokenizer = bitnet::tokenizer::load_tokenizer(file);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    const auto& tok = *g_tokenizer;
    const uint8_t flags = data[0];
    const bool special = flags & 4;
    const std::string_view payload(reinterpret_cast<const char*>(data + 1), size - 1);

    if (flags & 8) {
        const int32_t n = tok.n_vocab();
        std::vector<int32_t> ids;
        bool all_valid = true;
        for (size_t i = 0; i + 1 < payload.size(); i += 2) {
            uint16_t raw;
            std::memcpy(&raw, payload.data() + i, 2);
            const int32_t id = static_cast<int32_t>(raw % static_cast<uint32_t>(n + 2)) - 1;
            all_valid = all_valid && id >= 0 && id < n;
            ids.push_back(id);
        }
        try {
            decode_all_ways(tok, ids, special);
            BITNET_FUZZ_CHECK(all_valid);
        } catch (const bitnet::Error&) {
            BITNET_FUZZ_CHECK(!all_valid);
        }
        return 0;
    }

    bitnet::tokenizer::EncodeOptions opt;
    opt.add_bos = flags & 1;
    opt.parse_special = flags & 2;
    const std::vector<int32_t> ids = tok.encode(payload, opt);
    for (int32_t id : ids) BITNET_FUZZ_CHECK(id >= 0 && id < tok.n_vocab());
    BITNET_FUZZ_CHECK(!payload.empty() || ids.size() <= 1);
    decode_all_ways(tok, ids, special);
    return 0;
}
