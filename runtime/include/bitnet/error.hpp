// SPDX-License-Identifier: MIT
// bitnet::Error: the one exception type the runtime throws. Its message is fit to
// print as is after "error: ".
#pragma once

#include <stdexcept>
#include <string>

namespace bitnet {

class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace bitnet
