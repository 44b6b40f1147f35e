// SPDX-License-Identifier: MIT
// Cache layout and OWNER/NAME:FILE names; see bitnet/hub.hpp.
#include <cstdlib>
#include <system_error>

#include "bitnet/error.hpp"
#include "bitnet/hub.hpp"

namespace bitnet::hub {

namespace {

namespace fs = std::filesystem;

bool is_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
}

bool is_name(std::string_view s) {
    if (s.empty() || s == "." || s == "..") return false;
    for (char c : s)
        if (!is_name_char(c)) return false;
    return true;
}

// OWNER/NAME with both parts made of name characters.
bool looks_like_repo(std::string_view repo) {
    const size_t slash = repo.find('/');
    if (slash == std::string_view::npos || repo.find('/', slash + 1) != std::string_view::npos) return false;
    return is_name(repo.substr(0, slash)) && is_name(repo.substr(slash + 1));
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

std::string pull_command(const ModelRef& ref) {
    std::string cmd = "bitnet-model pull " + ref.repo + " --file " + ref.file;
    if (ref.revision != "main") cmd += " --revision " + ref.revision;
    return cmd;
}

}  // namespace

void check_repo_id(std::string_view repo) {
    if (!looks_like_repo(repo))
        throw Error("'" + std::string(repo) +
                    "' is not a repository id (want OWNER/NAME of letters, digits, '-', '_' and '.')");
}

void check_repo_file(std::string_view file) {
    const std::string shown = "'" + std::string(file) + "'";
    if (file.empty()) throw Error("empty file name in the repository");
    if (file.front() == '/') throw Error("file name " + shown + " must be relative to the repository");
    size_t start = 0;
    while (start <= file.size()) {
        size_t end = file.find('/', start);
        if (end == std::string_view::npos) end = file.size();
        const std::string_view seg = file.substr(start, end - start);
        if (seg.empty() || seg == "." || seg == "..")
            throw Error("file name " + shown + " has an empty, '.' or '..' path segment");
        start = end + 1;
    }
    for (char c : file)
        if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            throw Error("file name " + shown + " has a backslash or a control character");
}

void check_revision(std::string_view revision) {
    if (revision.empty()) throw Error("empty revision");
    if (revision.find("..") != std::string_view::npos || revision.front() == '/' || revision.back() == '/')
        throw Error("revision '" + std::string(revision) + "' is not a branch, tag or commit name");
    for (char c : revision)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\' || c == '%' || c == ' ')
            throw Error("revision '" + std::string(revision) + "' has a character a revision cannot have");
}

std::optional<ModelRef> parse_model_ref(std::string_view text) {
    const size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view head = text.substr(0, colon);
    ModelRef ref;
    if (const size_t at = head.find('@'); at != std::string_view::npos) {
        ref.revision = std::string(head.substr(at + 1));
        head = head.substr(0, at);
    }
    if (!looks_like_repo(head)) return std::nullopt;
    ref.repo = std::string(head);
    ref.file = std::string(text.substr(colon + 1));
    check_repo_file(ref.file);
    check_revision(ref.revision);
    return ref;
}

std::string to_string(const ModelRef& ref) {
    return ref.repo + (ref.revision == "main" ? "" : "@" + ref.revision) + ":" + ref.file;
}

fs::path default_cache_dir() {
    if (const char* dir = env("BITNET_CACHE_DIR")) return fs::path(dir);
    if (const char* xdg = env("XDG_CACHE_HOME")) return fs::path(xdg) / "bitnet" / "models";
    if (const char* home = env("HOME")) return fs::path(home) / ".cache" / "bitnet" / "models";
    throw Error("no model cache directory: set BITNET_CACHE_DIR, XDG_CACHE_HOME or HOME");
}

fs::path cached_file_path(const fs::path& cache_dir, const ModelRef& ref) {
    check_repo_id(ref.repo);
    check_repo_file(ref.file);
    check_revision(ref.revision);
    std::string rev;
    for (char c : ref.revision) rev += c == '/' ? std::string("%2F") : std::string(1, c);
    return cache_dir / ref.repo / rev / ref.file;
}

fs::path resolve_cached(const fs::path& cache_dir, const ModelRef& ref) {
    const fs::path path = cached_file_path(cache_dir, ref);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
    throw Error(to_string(ref) + " is not in the model cache (" + path.string() + "); fetch it with `" +
                pull_command(ref) + "`");
}

std::string resolve_model_argument(const std::string& arg) {
    std::error_code ec;
    if (fs::exists(arg, ec)) return arg;
    const std::optional<ModelRef> ref = parse_model_ref(arg);
    if (!ref) return arg;
    return resolve_cached(default_cache_dir(), *ref).string();
}

}  // namespace bitnet::hub
