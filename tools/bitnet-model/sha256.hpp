// SPDX-License-Identifier: MIT
// SHA-256 of files through OpenSSL's EVP interface.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace bitnet::model_tool {

// 64 lowercase hex digits of the file's SHA-256; throws bitnet::Error naming the
// file when it cannot be read.
std::string sha256_file(const std::filesystem::path& path);

// True for exactly 64 hex digits (either case).
bool is_sha256_hex(std::string_view s);

// s in lowercase (hex digests compare case-insensitively).
std::string to_lower(std::string_view s);

}  // namespace bitnet::model_tool
