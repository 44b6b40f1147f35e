// SPDX-License-Identifier: MIT
#include "tokenizer/byte_level.hpp"

#include <array>
#include <cstdint>

#include "tokenizer/utf8.hpp"

namespace bitnet::tokenizer {
namespace {

// Printable Latin-1 bytes stand for themselves; the other 68 bytes (controls,
// space, DEL, NBSP, soft hyphen) take code points 256, 257, ... in byte order, so
// no token text ever contains whitespace or a control character.
bool maps_to_itself(unsigned b) {
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Tables {
    std::array<std::string, 256> byte_to_mapped;
    std::array<int16_t, 324> cp_to_byte;  // all mapped code points are < 256 + 68
    Tables() {
        cp_to_byte.fill(-1);
        char32_t next = 256;
        for (unsigned b = 0; b < 256; ++b) {
            const char32_t cp = maps_to_itself(b) ? b : next++;
            append_utf8(byte_to_mapped[b], cp);
            cp_to_byte[cp] = static_cast<int16_t>(b);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

std::string bytes_to_mapped(std::string_view bytes) {
    const Tables& t = tables();
    std::string out;
    out.reserve(bytes.size() * 2);
    for (char c : bytes) out += t.byte_to_mapped[static_cast<uint8_t>(c)];
    return out;
}

std::string mapped_to_bytes(std::string_view mapped) {
    const Tables& t = tables();
    std::string out;
    out.reserve(mapped.size());
    size_t pos = 0;
    while (pos < mapped.size()) {
        char32_t cp = 0;
        size_t len = decode_utf8(mapped, pos, cp);
        if (len != 0 && cp < t.cp_to_byte.size() && t.cp_to_byte[cp] >= 0) {
            out += static_cast<char>(t.cp_to_byte[cp]);
        } else {
            if (len == 0) len = 1;
            out.append(mapped.substr(pos, len));
        }
        pos += len;
    }
    return out;
}

}  // namespace bitnet::tokenizer
