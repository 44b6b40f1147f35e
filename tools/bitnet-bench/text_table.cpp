// SPDX-License-Identifier: MIT
#include "text_table.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace bitnet::bench {
namespace {

bool numeric(const std::string& s) {
    return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) || s[0] == '+' || s[0] == '-' || s[0] == '.');
}

}  // namespace

std::string format(const char* fmt, ...) {
    va_list args;
    va_start(args, fmt);
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, fmt, copy);
    va_end(copy);
    std::string s(n > 0 ? static_cast<size_t>(n) : 0, '\0');
    if (n > 0) std::vsnprintf(s.data(), s.size() + 1, fmt, args);
    va_end(args);
    return s;
}

void TextTable::print_text(std::ostream& out) const {
    std::vector<size_t> width(header_.size());
    for (size_t c = 0; c < header_.size(); ++c) width[c] = header_[c].size();
    for (const auto& r : rows_)
        for (size_t c = 0; c < r.size() && c < width.size(); ++c) width[c] = std::max(width[c], r[c].size());
    auto line = [&](const std::vector<std::string>& cells, bool header) {
        for (size_t c = 0; c < width.size(); ++c) {
            const std::string cell = c < cells.size() ? cells[c] : "";
            const std::string pad(width[c] - cell.size(), ' ');
            out << (c ? "  " : "") << (!header && numeric(cell) ? pad + cell : cell + (c + 1 < width.size() ? pad : ""));
        }
        out << "\n";
    };
    line(header_, true);
    for (const auto& r : rows_) line(r, false);
}

void TextTable::print_markdown(std::ostream& out) const {
    auto line = [&](const std::vector<std::string>& cells) {
        out << "|";
        for (size_t c = 0; c < header_.size(); ++c) out << " " << (c < cells.size() ? cells[c] : "") << " |";
        out << "\n";
    };
    line(header_);
    out << "|";
    for (size_t c = 0; c < header_.size(); ++c) out << "---|";
    out << "\n";
    for (const auto& r : rows_) line(r);
}

}  // namespace bitnet::bench
