// SPDX-License-Identifier: MIT
// Renders GGUF metadata values on one line for `inspect`.
#pragma once

#include <cstddef>
#include <string>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf_tool {

// "uint32", "string", "array of string [1024]", ...
std::string describe_type(const gguf::Value& v);

// The value: strings quoted with control bytes escaped, floats shortest-exact,
// arrays showing at most max_items elements then "... N more".
std::string format_value(const gguf::Value& v, size_t max_items);

}  // namespace bitnet::gguf_tool
