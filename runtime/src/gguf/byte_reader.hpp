// SPDX-License-Identifier: MIT
// Bounds-checked little-endian reads over a mapped GGUF file. Every read checks
// against the file size first, so a hostile length or count can never make us
// touch memory past the mapping.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf::detail {

// Makes untrusted bytes (key and tensor names) safe to put in a one-line message.
std::string printable(const std::string& s);

class ByteReader {
public:
    ByteReader(const GgufFile& file, const uint8_t* base, uint64_t size)
        : file_(file), base_(base), size_(size) {}

    uint64_t offset() const { return pos_; }
    uint64_t remaining() const { return size_ - pos_; }
    uint64_t size() const { return size_; }

    // Reads a fixed-size scalar; `what` names the field for the error message.
    template <class T>
    T read(const std::string& what) {
        if (remaining() < sizeof(T))
            file_.fail("truncated header: " + what + " at offset " + std::to_string(pos_) +
                       " runs past end of file (size " + std::to_string(size_) + ")");
        T v;
        std::memcpy(&v, base_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }

    // Reads a GGUF string (u64 length + bytes); `context` prefixes the message.
    std::string read_string(const std::string& context) {
        const uint64_t at = pos_;
        const uint64_t len = read<uint64_t>(context + " (string length)");
        if (len > remaining())
            file_.fail(context + ": string length " + std::to_string(len) + " at offset " +
                       std::to_string(at) + " runs past end of file (size " +
                       std::to_string(size_) + ")");
        std::string s(reinterpret_cast<const char*>(base_ + pos_), len);
        pos_ += len;
        return s;
    }

    // Metadata arrays become one Value (~48 bytes) per element, so a hostile count
    // that the file size allows could still exhaust memory; cap the total.
    static constexpr uint64_t kMaxMetadataValues = uint64_t{1} << 25;
    void count_values(uint64_t n) {
        n_values_ += n;
        if (n_values_ > kMaxMetadataValues)
            file_.fail("metadata holds more than " + std::to_string(kMaxMetadataValues) +
                       " values");
    }

private:
    uint64_t n_values_{0};
    const GgufFile& file_;
    const uint8_t* base_;
    uint64_t size_;
    uint64_t pos_{0};
};

// Parses one metadata value of type `type` (the type tag already consumed).
// `key` is only for messages.
Value read_value(ByteReader& in, const GgufFile& file, uint32_t type, const std::string& key,
                 int depth = 0);

// Bytes a tensor of `n` elements of a loadable type occupies, or fails.
uint64_t tensor_bytes(const GgufFile& file, const std::string& name, TensorType type, uint64_t n);

}  // namespace bitnet::gguf::detail
