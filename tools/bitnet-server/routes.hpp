// SPDX-License-Identifier: MIT
// Maps one HTTP request to an answer: an immediate response (health, metrics,
// models, errors), or a completion request for the scheduler.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>

#include "api_error.hpp"
#include "api_request.hpp"
#include "server_state.hpp"

namespace bitnet::server {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Route {
    std::optional<Response> response;            // answer this now
    std::optional<CompletionRequest> completion;  // or generate this
};

Route route(const Request& req, ServerState& state);

// A response with a JSON (or other) body, Content-Length set, keep-alive as the request asked.
Response make_response(const Request& req, unsigned status, std::string body,
                       std::string_view content_type = "application/json");
Response error_response(const Request& req, const ApiError& e);

}  // namespace bitnet::server
