// SPDX-License-Identifier: MIT
// `bitnet-gguf inspect`: metadata and tensor table of a GGUF, like gguf_dump.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>

namespace bitnet::gguf_tool {

// Prints the header facts, every key with its type and value (arrays cut after
// max_items elements), the tensor table and the line
// "tensors: N (a I2_S, b F32, ...), B bytes of data". Throws bitnet::Error on a bad file.
void inspect(const std::string& path, size_t max_items, std::ostream& out);

}  // namespace bitnet::gguf_tool
