// SPDX-License-Identifier: MIT
// A reader for the safetensors format: an 8-byte little-endian header length, a
// JSON header naming each tensor's dtype, shape and byte range, then the data.
// The file is memory-mapped; every offset and size is checked at open, so a
// SafetensorsFile that constructed is safe to index.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bitnet::model_tool {

struct StTensor {
    std::string name;
    std::string dtype;            // as written: "BF16", "F16", "F32", "U8", ...
    std::vector<uint64_t> shape;  // outermost first, as in PyTorch
    const uint8_t* data{nullptr}; // into the mapping
    uint64_t n_bytes{0};
    uint64_t n_elements() const;
};

class SafetensorsFile {
public:
    // Throws bitnet::Error("<path>: <what>") on any malformed header.
    explicit SafetensorsFile(const std::filesystem::path& path);
    ~SafetensorsFile();
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;

    const std::filesystem::path& path() const { return path_; }
    const std::vector<StTensor>& tensors() const { return tensors_; }

private:
    std::filesystem::path path_;
    void* base_{nullptr};
    uint64_t size_{0};
    std::vector<StTensor> tensors_;
};

// Bytes per element of a safetensors dtype; 0 for a dtype this reader does not know.
uint64_t st_dtype_size(const std::string& dtype);

// Converts t (F32, F16 or BF16) to floats; out must hold t.n_elements().
// Throws bitnet::Error naming the tensor for any other dtype.
void st_to_f32(const StTensor& t, float* out);

}  // namespace bitnet::model_tool
