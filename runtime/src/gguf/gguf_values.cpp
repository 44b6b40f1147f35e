// SPDX-License-Identifier: MIT
// Metadata values: parsing from the mapping and the typed getters of GgufFile.
#include <limits>

#include "bitnet/gguf.hpp"
#include "gguf/byte_reader.hpp"

namespace bitnet::gguf {

namespace {

constexpr int kMaxArrayDepth = 8;

// Smallest encoded size of one element, so a count can be checked against the
// bytes left before anything is allocated.
uint64_t min_encoded_size(ValueType t) {
    switch (t) {
    case ValueType::U8: case ValueType::I8: case ValueType::Bool: return 1;
    case ValueType::U16: case ValueType::I16: return 2;
    case ValueType::U32: case ValueType::I32: case ValueType::F32: return 4;
    case ValueType::U64: case ValueType::I64: case ValueType::F64: return 8;
    case ValueType::String: return 8;
    case ValueType::Array: return 12;
    }
    return 1;
}

bool is_unsigned(ValueType t) {
    return t == ValueType::U8 || t == ValueType::U16 || t == ValueType::U32 || t == ValueType::U64;
}
bool is_signed(ValueType t) {
    return t == ValueType::I8 || t == ValueType::I16 || t == ValueType::I32 || t == ValueType::I64;
}
bool is_float(ValueType t) { return t == ValueType::F32 || t == ValueType::F64; }

std::string describe_type(const Value& v) {
    if (v.type != ValueType::Array) return value_type_name(v.type);
    return "array of " + value_type_name(v.array_type);
}

}  // namespace

std::string value_type_name(ValueType t) {
    switch (t) {
    case ValueType::U8: return "uint8";
    case ValueType::I8: return "int8";
    case ValueType::U16: return "uint16";
    case ValueType::I16: return "int16";
    case ValueType::U32: return "uint32";
    case ValueType::I32: return "int32";
    case ValueType::F32: return "float32";
    case ValueType::Bool: return "bool";
    case ValueType::String: return "string";
    case ValueType::Array: return "array";
    case ValueType::U64: return "uint64";
    case ValueType::I64: return "int64";
    case ValueType::F64: return "float64";
    }
    return "type " + std::to_string(static_cast<uint32_t>(t));
}

namespace detail {

std::string printable(const std::string& s) {
    constexpr size_t kMax = 80;
    std::string out;
    for (size_t i = 0; i < s.size() && i < kMax; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != 0x7f) {
            out += static_cast<char>(c);
        } else {
            static const char* kHex = "0123456789abcdef";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    if (s.size() > kMax) out += "...";
    return out;
}

Value read_value(ByteReader& in, const GgufFile& file, uint32_t type, const std::string& key,
                 int depth) {
    const std::string ctx = "key " + printable(key);
    Value v;
    v.type = static_cast<ValueType>(type);
    switch (v.type) {
    case ValueType::U8: v.data = uint64_t{in.read<uint8_t>("value of " + ctx)}; break;
    case ValueType::I8: v.data = int64_t{in.read<int8_t>("value of " + ctx)}; break;
    case ValueType::U16: v.data = uint64_t{in.read<uint16_t>("value of " + ctx)}; break;
    case ValueType::I16: v.data = int64_t{in.read<int16_t>("value of " + ctx)}; break;
    case ValueType::U32: v.data = uint64_t{in.read<uint32_t>("value of " + ctx)}; break;
    case ValueType::I32: v.data = int64_t{in.read<int32_t>("value of " + ctx)}; break;
    case ValueType::U64: v.data = in.read<uint64_t>("value of " + ctx); break;
    case ValueType::I64: v.data = in.read<int64_t>("value of " + ctx); break;
    case ValueType::F32: v.data = double{in.read<float>("value of " + ctx)}; break;
    case ValueType::F64: v.data = in.read<double>("value of " + ctx); break;
    case ValueType::Bool: v.data = in.read<uint8_t>("value of " + ctx) != 0; break;
    case ValueType::String: v.data = in.read_string(ctx); break;
    case ValueType::Array: {
        if (depth >= kMaxArrayDepth)
            file.fail(ctx + ": arrays nested deeper than " + std::to_string(kMaxArrayDepth) +
                      " at offset " + std::to_string(in.offset()));
        const uint64_t type_at = in.offset();
        const uint32_t elem = in.read<uint32_t>("array element type of " + ctx);
        if (elem > static_cast<uint32_t>(ValueType::F64))
            file.fail(ctx + ": unknown array element type " + std::to_string(elem) +
                      " at offset " + std::to_string(type_at));
        v.array_type = static_cast<ValueType>(elem);
        const uint64_t count_at = in.offset();
        const uint64_t count = in.read<uint64_t>("array count of " + ctx);
        if (count > in.remaining() / min_encoded_size(v.array_type))
            file.fail(ctx + ": array count " + std::to_string(count) + " at offset " +
                      std::to_string(count_at) + " runs past end of file (size " +
                      std::to_string(in.size()) + ")");
        in.count_values(count);
        Array items;
        items.reserve(count);
        for (uint64_t i = 0; i < count; ++i)
            items.push_back(read_value(in, file, elem, key, depth + 1));
        v.data = std::move(items);
        break;
    }
    default:
        file.fail(ctx + ": unknown value type " + std::to_string(type) + " at offset " +
                  std::to_string(in.offset() - 4));
    }
    return v;
}

}  // namespace detail

const Value* GgufFile::find(const std::string& key) const {
    auto it = kv_.find(key);
    return it == kv_.end() ? nullptr : &it->second;
}

namespace {

const Value& require(const GgufFile& f, const std::string& key) {
    const Value* v = f.find(key);
    if (!v) f.fail("missing key " + key);
    return *v;
}

[[noreturn]] void mistyped(const GgufFile& f, const std::string& key, const Value& v,
                           const std::string& expected) {
    f.fail("key " + key + " has type " + describe_type(v) + ", expected " + expected);
}

// Integer element as int64, failing on a u64 above INT64_MAX.
int64_t as_int(const GgufFile& f, const std::string& key, const Value& v) {
    if (is_signed(v.type)) return std::get<int64_t>(v.data);
    const uint64_t u = std::get<uint64_t>(v.data);
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        f.fail("key " + key + " value " + std::to_string(u) + " does not fit int64");
    return static_cast<int64_t>(u);
}

double as_double(const Value& v) {
    if (is_float(v.type)) return std::get<double>(v.data);
    if (is_signed(v.type)) return static_cast<double>(std::get<int64_t>(v.data));
    return static_cast<double>(std::get<uint64_t>(v.data));
}

}  // namespace

std::string GgufFile::get_string(const std::string& key) const {
    const Value& v = require(*this, key);
    if (v.type != ValueType::String) mistyped(*this, key, v, "string");
    return std::get<std::string>(v.data);
}

uint64_t GgufFile::get_uint(const std::string& key) const {
    const Value& v = require(*this, key);
    if (is_unsigned(v.type)) return std::get<uint64_t>(v.data);
    if (!is_signed(v.type)) mistyped(*this, key, v, "unsigned integer");
    const int64_t i = std::get<int64_t>(v.data);
    if (i < 0) fail("key " + key + " is negative (" + std::to_string(i) + "), expected unsigned");
    return static_cast<uint64_t>(i);
}

int64_t GgufFile::get_int(const std::string& key) const {
    const Value& v = require(*this, key);
    if (!is_unsigned(v.type) && !is_signed(v.type)) mistyped(*this, key, v, "integer");
    return as_int(*this, key, v);
}

double GgufFile::get_float(const std::string& key) const {
    const Value& v = require(*this, key);
    if (!is_float(v.type) && !is_signed(v.type) && !is_unsigned(v.type))
        mistyped(*this, key, v, "number");
    return as_double(v);
}

bool GgufFile::get_bool(const std::string& key) const {
    const Value& v = require(*this, key);
    if (v.type != ValueType::Bool) mistyped(*this, key, v, "bool");
    return std::get<bool>(v.data);
}

std::vector<std::string> GgufFile::get_string_array(const std::string& key) const {
    const Value& v = require(*this, key);
    if (v.type != ValueType::Array || v.array_type != ValueType::String)
        mistyped(*this, key, v, "array of string");
    std::vector<std::string> out;
    const Array& items = std::get<Array>(v.data);
    out.reserve(items.size());
    for (const Value& e : items) out.push_back(std::get<std::string>(e.data));
    return out;
}

std::vector<double> GgufFile::get_float_array(const std::string& key) const {
    const Value& v = require(*this, key);
    const ValueType t = v.array_type;
    if (v.type != ValueType::Array || !(is_float(t) || is_signed(t) || is_unsigned(t)))
        mistyped(*this, key, v, "array of number");
    std::vector<double> out;
    const Array& items = std::get<Array>(v.data);
    out.reserve(items.size());
    for (const Value& e : items) out.push_back(as_double(e));
    return out;
}

std::vector<int64_t> GgufFile::get_int_array(const std::string& key) const {
    const Value& v = require(*this, key);
    const ValueType t = v.array_type;
    if (v.type != ValueType::Array || !(is_signed(t) || is_unsigned(t)))
        mistyped(*this, key, v, "array of integer");
    std::vector<int64_t> out;
    const Array& items = std::get<Array>(v.data);
    out.reserve(items.size());
    for (const Value& e : items) out.push_back(as_int(*this, key, e));
    return out;
}

}  // namespace bitnet::gguf
