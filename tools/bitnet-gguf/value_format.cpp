// SPDX-License-Identifier: MIT
#include "value_format.hpp"

#include <charconv>

namespace bitnet::gguf_tool {

namespace {

std::string quote(const std::string& s) {
    constexpr size_t kMaxChars = 200;
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < kMaxChars; ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c < 0x20 || c == 0x7f) {
            static const char* kHex = "0123456789abcdef";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);  // UTF-8 passes through
        }
    }
    out += '"';
    if (s.size() > kMaxChars) out += "... (" + std::to_string(s.size()) + " bytes)";
    return out;
}

std::string shortest(double d, bool single) {
    char buf[64];
    const auto r = single ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(d))
                          : std::to_chars(buf, buf + sizeof buf, d);
    return std::string(buf, r.ptr);
}

}  // namespace

std::string describe_type(const gguf::Value& v) {
    if (v.type != gguf::ValueType::Array) return gguf::value_type_name(v.type);
    return "array of " + gguf::value_type_name(v.array_type) + " [" +
           std::to_string(std::get<gguf::Array>(v.data).size()) + "]";
}

std::string format_value(const gguf::Value& v, size_t max_items) {
    using gguf::ValueType;
    switch (v.type) {
    case ValueType::String: return quote(std::get<std::string>(v.data));
    case ValueType::Bool: return std::get<bool>(v.data) ? "true" : "false";
    case ValueType::F32: return shortest(std::get<double>(v.data), true);
    case ValueType::F64: return shortest(std::get<double>(v.data), false);
    case ValueType::Array: {
        const gguf::Array& items = std::get<gguf::Array>(v.data);
        std::string out = "[";
        for (size_t i = 0; i < items.size() && i < max_items; ++i)
            out += (i ? ", " : "") + format_value(items[i], max_items);
        if (items.size() > max_items) out += ", ... " + std::to_string(items.size() - max_items) + " more";
        return out + "]";
    }
    default:
        if (const auto* u = std::get_if<uint64_t>(&v.data)) return std::to_string(*u);
        return std::to_string(std::get<int64_t>(v.data));
    }
}

}  // namespace bitnet::gguf_tool
