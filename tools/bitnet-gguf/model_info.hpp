// SPDX-License-Identifier: MIT
// `bitnet-gguf info`: which model family a GGUF is, its graph and shapes, and
// whether this runtime can run it, and if not, why (the loader's own message).
#pragma once

#include <ostream>
#include <string>

namespace bitnet::gguf_tool {

// Prints the report; returns true when the runtime's loader and tokenizer accept
// the file. Throws bitnet::Error only when the file is not a readable GGUF.
bool print_model_info(const std::string& path, std::ostream& out);

}  // namespace bitnet::gguf_tool
