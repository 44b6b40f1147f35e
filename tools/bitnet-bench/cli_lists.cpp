// SPDX-License-Identifier: MIT
#include "cli_lists.hpp"

#include <charconv>

#include "bitnet/error.hpp"

namespace bitnet::bench {

std::vector<std::string> split_list(const std::vector<std::string>& values) {
    std::vector<std::string> out;
    for (const auto& v : values) {
        size_t start = 0;
        while (start <= v.size()) {
            const size_t comma = v.find(',', start);
            const std::string item = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) out.push_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

std::vector<int> int_list(const std::vector<std::string>& values, const std::string& option) {
    std::vector<int> out;
    for (const auto& item : split_list(values)) {
        int n = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), n);
        if (ec != std::errc() || end != item.data() + item.size() || n < 0)
            throw Error(option + " takes non-negative integers, not '" + item + "'");
        out.push_back(n);
    }
    return out;
}

}  // namespace bitnet::bench
