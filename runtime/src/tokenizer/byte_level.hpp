// SPDX-License-Identifier: MIT
// GPT-2's reversible byte <-> character mapping: byte-level BPE vocabularies store
// every token as printable characters, one per byte (space is "Ġ", newline "Ċ").
#pragma once

#include <string>
#include <string_view>

namespace bitnet::tokenizer {

// Each byte of bytes as its mapped character, UTF-8 encoded.
std::string bytes_to_mapped(std::string_view bytes);

// Inverse of bytes_to_mapped. A character outside the mapping (only in a vocabulary
// not made by the GPT-2 scheme) is kept as its own UTF-8 bytes.
std::string mapped_to_bytes(std::string_view mapped);

}  // namespace bitnet::tokenizer
