// SPDX-License-Identifier: MIT
// SHA-256 (OpenSSL EVP) as lowercase hex, for model files and receipt hashes.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace bitnet::util {

// Hash of the bytes given; 64 lowercase hex characters.
std::string sha256_hex(std::span<const std::byte> bytes);
std::string sha256_hex(std::string_view bytes);

// Hash of a whole file, read in chunks (the file is not mapped or held in
// memory). Throws bitnet::Error naming the file when it cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace bitnet::util
