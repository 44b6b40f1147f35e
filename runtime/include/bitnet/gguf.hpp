// SPDX-License-Identifier: MIT
// GGUF reader: maps a file read-only and exposes its metadata and tensor table.
// Every count, length and offset is checked against the file size at open, so a
// GgufFile that constructed is safe to index. Errors are bitnet::Error with the
// message "<path>: <what>".
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace bitnet::gguf {

enum class ValueType : uint32_t {
    U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7,
    String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12,
};

// ggml tensor type ids this runtime loads (the others are known only by name).
enum class TensorType : uint32_t {
    F32 = 0, F16 = 1, Q8_0 = 8, Q6_K = 14, BF16 = 30, TQ1_0 = 34, TQ2_0 = 35, I2_S = 36
};

struct Value;
using Array = std::vector<Value>;
struct Value {
    ValueType type{ValueType::U8};
    std::variant<uint64_t, int64_t, double, bool, std::string, Array> data;
    ValueType array_type{ValueType::U8};  // element type when type == Array (kept for empty arrays)
};

// "uint32", "string", "array", ... as used in error messages.
std::string value_type_name(ValueType t);

struct TensorInfo {
    std::string name;
    std::vector<uint64_t> ne;  // ne[0] is the fastest-varying (K of a weight)
    TensorType type{TensorType::F32};
    uint64_t offset{0};        // relative to the data section
    uint64_t n_bytes{0};       // bytes owned, for I2_S n/4 + 32
    const uint8_t* data{nullptr};  // into the mapping, or into the copy (copy_to_memory)
    uint64_t n_elements() const;
};

// Name of a ggml type id ("Q8_0", "TQ2_0", ...) or "type <id>" when unknown.
std::string ggml_type_name(uint32_t id);

class GgufFile {
public:
    // Maps and validates the whole header; throws bitnet::Error on any fault.
    explicit GgufFile(const std::string& path);
    ~GgufFile();
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;

    const std::string& path() const { return path_; }
    uint32_t version() const { return version_; }
    uint64_t file_size() const { return size_; }
    uint32_t alignment() const { return alignment_; }
    uint64_t data_offset() const { return data_offset_; }  // start of the data section

    const std::map<std::string, Value>& metadata() const { return kv_; }
    const Value* find(const std::string& key) const;
    bool has(const std::string& key) const { return find(key) != nullptr; }

    // Typed getters: throw "<path>: missing key <key>" or "<path>: key <key> has
    // type <t>, expected <u>" on a missing or mistyped key.
    std::string get_string(const std::string& key) const;
    uint64_t get_uint(const std::string& key) const;   // any unsigned or non-negative int
    int64_t get_int(const std::string& key) const;     // any integer type
    double get_float(const std::string& key) const;    // f32, f64 or integer
    bool get_bool(const std::string& key) const;
    std::vector<std::string> get_string_array(const std::string& key) const;
    std::vector<double> get_float_array(const std::string& key) const;
    std::vector<int64_t> get_int_array(const std::string& key) const;

    const std::vector<TensorInfo>& tensors() const { return tensors_; }
    const TensorInfo* find_tensor(const std::string& name) const;
    // Throws "<path>: missing tensor <name>".
    const TensorInfo& tensor(const std::string& name) const;

    // Asks the kernel to read a tensor's pages ahead (MADV_WILLNEED on its range
    // only); a hint, never fails. Does nothing for a copied tensor.
    void prefetch(const TensorInfo& t) const;

    // Reads the tensors `which` selects into one anonymous region backed by
    // transparent huge pages (fewer TLB misses when a decode step streams them)
    // and points their data there, on `threads` threads. The file mapping of
    // those tensors is never touched, so it adds nothing to RSS. Call before
    // taking any tensor's data pointer. Throws "<path>: cannot read ..." on an
    // I/O error or a short read.
    void copy_to_memory(const std::function<bool(const TensorInfo&)>& which, unsigned threads);
    uint64_t bytes_copied() const { return copy_bytes_; }

    // Throws "<path>: <msg>".
    [[noreturn]] void fail(const std::string& msg) const;

private:
    void parse();
    void release() noexcept;

    std::string path_;
    int fd_{-1};  // kept open for copy_to_memory
    const uint8_t* base_{nullptr};
    uint8_t* copy_region_{nullptr};  // copy_to_memory's mapping, copy_length_ bytes
    uint64_t copy_length_{0};
    uint64_t copy_bytes_{0};
    uint64_t size_{0};
    uint32_t version_{0};
    uint32_t alignment_{32};
    uint64_t data_offset_{0};
    std::map<std::string, Value> kv_;
    std::vector<TensorInfo> tensors_;
    std::map<std::string, size_t> tensor_index_;
};

}  // namespace bitnet::gguf
