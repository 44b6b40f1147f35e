// SPDX-License-Identifier: MIT
// Minimal UTF-8 helpers the tokenizers need; no locale, no allocation beyond the
// output strings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace bitnet::tokenizer {

// Length of the sequence a lead byte announces (1 for a stray continuation or
// invalid byte), so any byte string splits into "characters" without failing.
size_t utf8_lead_length(uint8_t lead);

void append_utf8(std::string& out, char32_t cp);

// Decodes the well-formed sequence at text[pos]; returns its length, or 0 when the
// bytes there are not valid UTF-8 (overlong, surrogate, truncated, > U+10FFFF).
size_t decode_utf8(std::string_view text, size_t pos, char32_t& cp);

// Copy of text with every byte that is not part of valid UTF-8 replaced by U+FFFD,
// which is what bitnet.cpp's byte-level pre-tokenizer does with invalid input.
std::string sanitize_utf8(std::string_view text);

}  // namespace bitnet::tokenizer
