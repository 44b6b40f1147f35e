// SPDX-License-Identifier: MIT
// Helpers shared by the GGUF tests: a self-deleting temporary directory, raw file
// I/O for byte surgery, and locating fields inside a serialised GGUF.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "bitnet/gguf.hpp"

// Lets Boost.Test print enum values in failure messages.
namespace bitnet::gguf {
inline std::ostream& operator<<(std::ostream& os, ValueType t) { return os << value_type_name(t); }
inline std::ostream& operator<<(std::ostream& os, TensorType t) {
    return os << ggml_type_name(static_cast<uint32_t>(t));
}
}  // namespace bitnet::gguf

namespace bitnet::test {

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "bitnet-gguf-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    if (!out) throw std::runtime_error("cannot write " + path);
}

inline std::vector<uint8_t> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

template <class T>
void poke(std::vector<uint8_t>& bytes, size_t at, T v) {
    if (at + sizeof(T) > bytes.size()) throw std::out_of_range("poke past end");
    std::memcpy(bytes.data() + at, &v, sizeof(T));
}

template <class T>
T peek(const std::vector<uint8_t>& bytes, size_t at) {
    T v;
    std::memcpy(&v, bytes.data() + at, sizeof(T));
    return v;
}

// Position just after the GGUF string `s` (u64 length + bytes) in `bytes`: for a
// tensor name that is its n_dims field, for a key its value type.
inline size_t after_string(const std::vector<uint8_t>& bytes, const std::string& s) {
    std::vector<uint8_t> pat;
    for (int i = 0; i < 8; ++i) pat.push_back(static_cast<uint8_t>(uint64_t{s.size()} >> (8 * i)));
    pat.insert(pat.end(), s.begin(), s.end());
    for (size_t i = 0; i + pat.size() <= bytes.size(); ++i)
        if (std::memcmp(bytes.data() + i, pat.data(), pat.size()) == 0) return i + pat.size();
    throw std::runtime_error("string not found in file: " + s);
}

// Field positions of a tensor info, found by its name.
struct TensorInfoPos {
    size_t n_dims, ne, type, offset;
};
inline TensorInfoPos tensor_info_pos(const std::vector<uint8_t>& bytes, const std::string& name) {
    TensorInfoPos p{};
    p.n_dims = after_string(bytes, name);
    const uint32_t n_dims = peek<uint32_t>(bytes, p.n_dims);
    p.ne = p.n_dims + 4;
    p.type = p.ne + 8 * n_dims;
    p.offset = p.type + 4;
    return p;
}

}  // namespace bitnet::test
