// SPDX-License-Identifier: MIT
// Writes small Hugging Face checkpoints for the convert tests: safetensors
// files (the format's own layout, written here independently of the reader),
// config.json, and a byte-level BPE tokenizer.json in Llama 3's shape.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace bitnet::test {

struct StEntry {
    std::string name;
    std::string dtype;  // "F32", "F16", "BF16", "U8"
    std::vector<uint64_t> shape;
    std::string bytes;
};

inline void write_safetensors(const std::filesystem::path& path, const std::vector<StEntry>& tensors) {
    std::string header = "{\"__metadata__\":{\"format\":\"pt\"}";
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        header += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
        for (size_t i = 0; i < t.shape.size(); ++i) header += (i ? "," : "") + std::to_string(t.shape[i]);
        header += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + t.bytes.size()) +
                  "]}";
        offset += t.bytes.size();
    }
    header += "}";
    while (header.size() % 8) header += ' ';  // the format pads the header to 8 bytes
    std::ofstream out(path, std::ios::binary);
    const uint64_t len = header.size();
    out.write(reinterpret_cast<const char*>(&len), 8);
    out << header;
    for (const auto& t : tensors) out << t.bytes;
}

// GPT-2's reversible byte -> printable character map, as UTF-8.
inline std::string byte_char(uint8_t b) {
    uint32_t cp = b;
    if (!((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174)) {
        uint32_t n = 0;
        for (uint32_t x = 0; x < b; ++x)
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174)) ++n;
        cp = 256 + n;
    }
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

inline std::string json_escape(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') out += std::string("\\") + static_cast<char>(c);
        else if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof(buf), "\\u%04x", c);
            out += buf;
        } else out += static_cast<char>(c);
    }
    return out;
}

// A Llama 3 shaped tokenizer.json: tokens[id] (empty = unused id), merges as
// "left right", added[id] = special content.
inline void write_tokenizer_json(const std::filesystem::path& path, const std::vector<std::string>& tokens,
                                 const std::vector<std::string>& merges, const std::map<int, std::string>& added) {
    std::string j = "{\"version\":\"1.0\",\"added_tokens\":[";
    bool first = true;
    for (const auto& [id, text] : added) {
        j += std::string(first ? "" : ",") + "{\"id\":" + std::to_string(id) + ",\"content\":\"" + json_escape(text) +
             "\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}";
        first = false;
    }
    j += R"(],"normalizer":null,"pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"Split","pattern":{"Regex":")";
    j += json_escape(
        R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)");
    j += R"("},"behavior":"Isolated","invert":false},{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":false}]},)";
    j += R"("decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},)";
    j += R"("model":{"type":"BPE","dropout":null,"unk_token":null,"fuse_unk":false,"byte_fallback":false,"ignore_merges":true,"vocab":{)";
    first = true;
    for (size_t id = 0; id < tokens.size(); ++id) {
        if (tokens[id].empty()) continue;
        j += std::string(first ? "" : ",") + "\"" + json_escape(tokens[id]) + "\":" + std::to_string(id);
        first = false;
    }
    j += "},\"merges\":[";
    for (size_t i = 0; i < merges.size(); ++i) {
        // Half in the older "a b" form, half in the newer ["a", "b"] form.
        const size_t sp = merges[i].find(' ');
        if (i % 2) j += (i ? "," : "") + std::string("\"") + json_escape(merges[i]) + "\"";
        else
            j += std::string(i ? "," : "") + "[\"" + json_escape(merges[i].substr(0, sp)) + "\",\"" +
                 json_escape(merges[i].substr(sp + 1)) + "\"]";
    }
    j += "]}}";
    std::ofstream(path, std::ios::binary) << j;
}

}  // namespace bitnet::test
