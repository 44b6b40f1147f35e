// SPDX-License-Identifier: MIT
// A small table that prints as aligned text or as Markdown.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace bitnet::bench {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header) : header_(std::move(header)) {}
    void add_row(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
    bool empty() const { return rows_.empty(); }
    // Columns padded to their widest cell; numbers (cells starting with a digit,
    // a sign or a dot) right-aligned.
    void print_text(std::ostream& out) const;
    void print_markdown(std::ostream& out) const;

private:
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> rows_;
};

// printf-style formatting into a std::string.
std::string format(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace bitnet::bench
