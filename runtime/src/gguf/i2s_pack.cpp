// SPDX-License-Identifier: MIT
// I2_S packing (FORMAT.md "I2_S layout"): 2-bit codes w+1, blocks of 128 weights
// in 32 bytes, element 128B + 32j + b in bits (7-2j)..(6-2j) of byte b.
#include <cstring>

#include "bitnet/error.hpp"
#include "bitnet/gguf_writer.hpp"

namespace bitnet::gguf {

namespace {
constexpr int64_t kBlock = 128;
constexpr int64_t kBlockBytes = 32;
constexpr uint64_t kTrailerBytes = 32;  // f32 scale + 28 bytes of padding
}  // namespace

uint64_t i2s_bytes(int64_t rows, int64_t k) {
    return static_cast<uint64_t>(rows) * static_cast<uint64_t>(k) / 4 + kTrailerBytes;
}

void pack_i2s_rows(const int8_t* w, int64_t rows, int64_t k, uint8_t* out) {
    if (rows < 0 || k <= 0 || k % kBlock != 0)
        throw Error("pack_i2s: K = " + std::to_string(k) + " is not a positive multiple of 128" +
                    (rows < 0 ? " (or rows < 0)" : ""));
    for (int64_t r = 0; r < rows; ++r) {
        const int8_t* row = w + r * k;
        uint8_t* dst = out + r * (k / 4);
        for (int64_t b0 = 0; b0 < k; b0 += kBlock) {
            for (int64_t b = 0; b < kBlockBytes; ++b) {
                uint8_t byte = 0;
                for (int j = 0; j < 4; ++j) {
                    const int8_t v = row[b0 + 32 * j + b];
                    if (v < -1 || v > 1)
                        throw Error("pack_i2s: weight " + std::to_string(v) + " at row " +
                                    std::to_string(r) + ", column " +
                                    std::to_string(b0 + 32 * j + b) + " is not -1, 0 or 1");
                    byte |= static_cast<uint8_t>(v + 1) << (6 - 2 * j);
                }
                dst[b0 / 4 + b] = byte;
            }
        }
    }
}

std::vector<uint8_t> pack_i2s(const int8_t* w, int64_t rows, int64_t k, float scale) {
    if (k <= 0 || k % kBlock != 0 || rows < 0)
        throw Error("pack_i2s: K = " + std::to_string(k) + " is not a positive multiple of 128");
    std::vector<uint8_t> out(i2s_bytes(rows, k), 0);
    pack_i2s_rows(w, rows, k, out.data());
    std::memcpy(out.data() + out.size() - kTrailerBytes, &scale, sizeof scale);  // little-endian host
    return out;
}

}  // namespace bitnet::gguf
