// SPDX-License-Identifier: MIT
// Readers for the tokenizer reference files in tests/data (format described in
// tests/data/README.md and models/README.md): *.cases and llama3-pieces.txt.
#pragma once

#include <boost/json.hpp>

#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace bitnet::test {

struct TokenCase {
    int number{0};
    std::string label;
    std::string input;
    std::vector<int32_t> ids;                         // parse_special = false
    std::optional<std::vector<int32_t>> special_ids;  // parse_special = true, when different
};

struct PieceLine {
    int32_t id{0};
    std::string text;          // vocabulary text
    std::string piece;         // bytes, special = false
    std::string piece_special; // bytes, special = true
};

struct DetokLine {
    std::vector<int32_t> ids;
    std::string with_special;     // bytes, specials rendered
    std::string without_special;  // bytes, specials dropped
};

struct PiecesFile {
    std::vector<PieceLine> pieces;
    std::vector<DetokLine> detok;
};

inline std::vector<int32_t> parse_ids(const std::string& line, char sep = ' ') {
    std::vector<int32_t> ids;
    std::istringstream in(line);
    std::string word;
    while (std::getline(in, word, sep))
        if (!word.empty()) ids.push_back(static_cast<int32_t>(std::stol(word)));
    return ids;
}

inline std::string json_string(const std::string& literal) {
    return std::string(boost::json::parse(literal).as_string());
}

inline std::string from_hex(const std::string& hex) {
    if (hex == "-") return {};
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    return out;
}

inline std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> cols;
    std::istringstream in(line);
    std::string col;
    while (std::getline(in, col, '\t')) cols.push_back(col);
    return cols;
}

// Reads "== case N LABEL" blocks; throws std::runtime_error naming the line of a
// malformed block. Blank lines are data (an empty ids line).
inline std::vector<TokenCase> read_cases(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    std::vector<TokenCase> cases;
    size_t i = 0;
    while (i < lines.size() && lines[i].rfind("== case ", 0) != 0) ++i;
    while (i < lines.size()) {
        const auto bad = [&](const std::string& what) {
            return std::runtime_error(path + ":" + std::to_string(i + 1) + ": " + what);
        };
        if (lines[i].rfind("== case ", 0) != 0) throw bad("expected '== case N LABEL'");
        TokenCase c;
        std::istringstream head(lines[i].substr(8));
        head >> c.number;
        std::getline(head >> std::ws, c.label);
        if (i + 2 >= lines.size()) throw bad("case block is truncated");
        c.input = json_string(lines[i + 1]);
        c.ids = parse_ids(lines[i + 2]);
        i += 3;
        if (i < lines.size() && lines[i].rfind("special:", 0) == 0) {
            c.special_ids = parse_ids(lines[i].substr(8));
            ++i;
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

inline PiecesFile read_pieces(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    PiecesFile file;
    enum { kNone, kPieces, kDetok } section = kNone;
    for (std::string line; std::getline(in, line);) {
        if (line.empty() || line[0] == '#') continue;
        if (line.rfind("piece_count", 0) == 0) {
            section = kPieces;
            continue;
        }
        if (line.rfind("detok_count", 0) == 0) {
            section = kDetok;
            continue;
        }
        const std::vector<std::string> cols = split_tabs(line);
        if (section == kPieces && cols.size() >= 4) {
            file.pieces.push_back({static_cast<int32_t>(std::stol(cols[0])), json_string(cols[1]),
                                   from_hex(cols[2]), from_hex(cols[3])});
        } else if (section == kDetok && cols.size() >= 3) {
            file.detok.push_back({parse_ids(cols[0], ','), from_hex(cols[1]), from_hex(cols[2])});
        } else {
            throw std::runtime_error(path + ": unexpected line '" + line + "'");
        }
    }
    return file;
}

inline std::string format_ids(const std::vector<int32_t>& ids) {
    std::string s;
    for (int32_t id : ids) s += (s.empty() ? "" : " ") + std::to_string(id);
    return "[" + s + "]";
}

}  // namespace bitnet::test
