// SPDX-License-Identifier: MIT
#include "inspect.hpp"

#include <algorithm>
#include <iomanip>
#include <map>
#include <vector>

#include "bitnet/gguf.hpp"
#include "value_format.hpp"

namespace bitnet::gguf_tool {

namespace {

std::string shape_of(const std::vector<uint64_t>& ne) {
    std::string s = "[";
    for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "]";
}

}  // namespace

void inspect(const std::string& path, size_t max_items, std::ostream& out) {
    const gguf::GgufFile f(path);
    out << path << ": GGUF v" << f.version() << ", " << f.file_size() << " bytes, alignment "
        << f.alignment() << ", data section at " << f.data_offset() << "\n";

    out << "metadata: " << f.metadata().size() << " keys\n";
    size_t key_width = 0;
    for (const auto& kv : f.metadata()) key_width = std::max(key_width, kv.first.size());
    for (const auto& [key, value] : f.metadata())
        out << "  " << std::left << std::setw(static_cast<int>(key_width)) << key << "  "
            << describe_type(value) << " = " << format_value(value, max_items) << "\n";

    size_t name_width = 4;
    for (const auto& t : f.tensors()) name_width = std::max(name_width, t.name.size());
    out << "tensor table:\n"
        << "  " << std::right << std::setw(5) << "#" << "  " << std::left
        << std::setw(static_cast<int>(name_width)) << "name" << "  " << std::setw(5) << "type"
        << "  " << std::setw(20) << "shape" << std::right << std::setw(14) << "offset"
        << std::setw(14) << "bytes" << "\n";
    std::map<std::string, size_t> per_type;
    uint64_t data_bytes = 0;
    for (size_t i = 0; i < f.tensors().size(); ++i) {
        const gguf::TensorInfo& t = f.tensors()[i];
        const std::string type = gguf::ggml_type_name(static_cast<uint32_t>(t.type));
        ++per_type[type];
        data_bytes += t.n_bytes;
        out << "  " << std::right << std::setw(5) << i << "  " << std::left
            << std::setw(static_cast<int>(name_width)) << t.name << "  " << std::setw(5) << type << "  "
            << std::setw(20) << shape_of(t.ne) << std::right << std::setw(14) << t.offset
            << std::setw(14) << t.n_bytes << "\n";
    }

    std::vector<std::pair<std::string, size_t>> counts(per_type.begin(), per_type.end());
    std::stable_sort(counts.begin(), counts.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    out << "tensors: " << f.tensors().size() << " (";
    for (size_t i = 0; i < counts.size(); ++i)
        out << (i ? ", " : "") << counts[i].second << " " << counts[i].first;
    out << "), " << data_bytes << " bytes of data\n";
}

}  // namespace bitnet::gguf_tool
