// SPDX-License-Identifier: MIT
// GGUF writer: builds a GGUF v3 file in memory order (metadata, tensor infos,
// aligned data) and writes it to disk. Used by tests to make hostile files and
// by the synthetic-model generator to make genuine ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {

class GgufWriter {
public:
    // Setting a key that is already set replaces its value (the key keeps its place).
    void set_u8(const std::string& key, uint8_t v);
    void set_i8(const std::string& key, int8_t v);
    void set_u16(const std::string& key, uint16_t v);
    void set_i16(const std::string& key, int16_t v);
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_i64(const std::string& key, int64_t v);
    void set_f32(const std::string& key, float v);
    void set_f64(const std::string& key, double v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    void set_string_array(const std::string& key, const std::vector<std::string>& v);
    void set_f32_array(const std::string& key, const std::vector<float>& v);
    void set_i32_array(const std::string& key, const std::vector<int32_t>& v);
    // Any value as the reader returns it, nested arrays included (copies metadata
    // from one file to another). Throws bitnet::Error if an array element's type
    // differs from the array's element type.
    void set_value(const std::string& key, const Value& v);

    // Adds a tensor; bytes are copied. type is the raw ggml id so tests can write
    // unknown types. ne[0] is the fastest-varying dimension. Throws bitnet::Error
    // on a duplicate name.
    void add_tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                    std::vector<uint8_t> bytes);

    // Receives consecutive chunks of a tensor's bytes.
    using ByteSink = std::function<void(const uint8_t* data, size_t n)>;
    // Produces a tensor's bytes at write time by calling the sink, in any chunking.
    using TensorFill = std::function<void(const ByteSink& out)>;
    // Adds a tensor of n_bytes whose data `fill` produces only when the file is
    // written, so a multi-gigabyte model never sits in memory. fill may run once
    // per serialize()/write() call and must emit exactly n_bytes (else Error).
    void add_generated_tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                              uint64_t n_bytes, TensorFill fill);

    // Serialises everything; alignment from general.alignment or 32.
    std::vector<uint8_t> serialize() const;
    // Streams the file to `path` (through `path`.part, renamed when complete);
    // throws bitnet::Error("<path>: ...") on an I/O failure.
    void write(const std::string& path) const;

private:
    struct Kv { std::string key; std::vector<uint8_t> encoded; };  // type + value
    struct Tensor {
        std::string name;
        std::vector<uint64_t> ne;
        uint32_t type;
        std::vector<uint8_t> bytes;
        uint64_t n_bytes{0};
        TensorFill fill;  // set for generated tensors, else bytes holds the data
    };
    void emit(const ByteSink& out) const;

    std::vector<Kv> kv_;
    std::vector<Tensor> tensors_;
    uint32_t alignment_{32};
};

// Bytes of an I2_S tensor of rows x k weights: k/4 per row, then the f32 scale
// and 28 bytes of padding.
uint64_t i2s_bytes(int64_t rows, int64_t k);

// Packs rows x k ternary weights (each -1, 0 or +1, row-major, k a multiple of
// 128) into the I2_S layout of FORMAT.md: rows*k/4 bytes to `out`, no trailer.
// Throws bitnet::Error on a bad k or a weight outside {-1, 0, 1}.
void pack_i2s_rows(const int8_t* w, int64_t rows, int64_t k, uint8_t* out);

// A whole I2_S tensor: the packed rows, `scale` as little-endian f32, 28 zero bytes.
std::vector<uint8_t> pack_i2s(const int8_t* w, int64_t rows, int64_t k, float scale);

}  // namespace bitnet::gguf
