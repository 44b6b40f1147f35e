// GGUF writer: builds a GGUF v3 file in memory order (metadata, tensor infos,
// aligned data) and writes it to disk. Used by tests to make hostile files and
// by the synthetic-model generator to make genuine ones.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf {

class GgufWriter {
public:
    void set_u32(const std::string& key, uint32_t v);
    void set_i32(const std::string& key, int32_t v);
    void set_u64(const std::string& key, uint64_t v);
    void set_f32(const std::string& key, float v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    void set_string_array(const std::string& key, const std::vector<std::string>& v);
    void set_f32_array(const std::string& key, const std::vector<float>& v);
    void set_i32_array(const std::string& key, const std::vector<int32_t>& v);

    // Adds a tensor; bytes are copied. type is the raw ggml id so tests can write
    // unknown types. ne[0] is the fastest-varying dimension.
    void add_tensor(const std::string& name, std::vector<uint64_t> ne, uint32_t type,
                    std::vector<uint8_t> bytes);

    // Serialises everything; alignment from general.alignment or 32.
    std::vector<uint8_t> serialize() const;
    void write(const std::string& path) const;

private:
    struct Kv { std::string key; std::vector<uint8_t> encoded; };  // type + value
    struct Tensor { std::string name; std::vector<uint64_t> ne; uint32_t type; std::vector<uint8_t> bytes; };
    std::vector<Kv> kv_;
    std::vector<Tensor> tensors_;
    uint32_t alignment_{32};
};

}  // namespace bitnet::gguf
