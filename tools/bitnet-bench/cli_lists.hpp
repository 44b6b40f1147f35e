// SPDX-License-Identifier: MIT
// Comma-separated option values ("-t 1,2", "--backend auto,cpu-avx2"), as
// llama-bench takes them; a repeated option adds to the list.
#pragma once

#include <string>
#include <vector>

namespace bitnet::bench {

std::vector<std::string> split_list(const std::vector<std::string>& values);
// Throws bitnet::Error naming the option on a value that is not a non-negative integer.
std::vector<int> int_list(const std::vector<std::string>& values, const std::string& option);

}  // namespace bitnet::bench
