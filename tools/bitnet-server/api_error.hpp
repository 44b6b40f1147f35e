// SPDX-License-Identifier: MIT
// A request the API refuses: an HTTP status and an OpenAI-style error.
#pragma once

#include <stdexcept>
#include <string>

namespace bitnet::server {

struct ApiError : std::runtime_error {
    ApiError(int status, const std::string& message, std::string param = {},
             std::string type = "invalid_request_error", std::string code = {})
        : std::runtime_error(message), status(status), param(std::move(param)), type(std::move(type)),
          code(std::move(code)) {}
    int status;
    std::string param, type, code;
};

}  // namespace bitnet::server
