// SPDX-License-Identifier: MIT
#include "routes.hpp"

#include "api_response.hpp"

namespace bitnet::server {
namespace {

namespace http = boost::beast::http;

bool authorized(const Request& req, const std::string& key) {
    if (key.empty()) return true;
    auto it = req.find(http::field::authorization);
    return it != req.end() && it->value() == "Bearer " + key;
}

}  // namespace

Response make_response(const Request& req, unsigned status, std::string body, std::string_view content_type) {
    Response res{static_cast<http::status>(status), req.version()};
    res.set(http::field::server, "bitnet-server");
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

Response error_response(const Request& req, const ApiError& e) {
    auto res = make_response(req, static_cast<unsigned>(e.status), error_body(e.what(), e.type, e.param, e.code));
    if (e.status == 401) res.set(http::field::www_authenticate, "Bearer");
    if (e.status == 503) res.set(http::field::retry_after, "1");
    return res;
}

Route route(const Request& req, ServerState& state) {
    Route r;
    try {
        if (!authorized(req, state.options.api_key))
            throw ApiError(401, "a valid API key is required: send 'Authorization: Bearer KEY'", {},
                           "invalid_request_error", "invalid_api_key");
        std::string_view target = req.target();
        target = target.substr(0, target.find('?'));
        const bool get = req.method() == http::verb::get, post = req.method() == http::verb::post;
        Scheduler* scheduler = state.scheduler.load();
        if (get && target == "/health") {
            if (!scheduler) r.response = make_response(req, 503, R"({"status":"loading"})");
            else if (state.draining) r.response = make_response(req, 503, R"({"status":"draining"})");
            else r.response = make_response(req, 200, R"({"status":"ok"})");
        } else if (get && target == "/metrics") {
            r.response = make_response(req, 200, state.metrics.render(), "text/plain; version=0.0.4");
        } else if (get && target == "/v1/models") {
            r.response = make_response(req, 200, models_body(state.model_name, state.created));
        } else if (post && (target == "/v1/chat/completions" || target == "/v1/completions")) {
            if (state.draining) throw ApiError(503, "the server is shutting down", {}, "server_error");
            if (!scheduler) throw ApiError(503, "the model is still loading", {}, "server_error");
            r.completion = parse_completion_request(req.body(), target == "/v1/chat/completions");
        } else if (target == "/health" || target == "/metrics" || target == "/v1/models" ||
                   target == "/v1/chat/completions" || target == "/v1/completions") {
            throw ApiError(405, "method " + std::string(req.method_string()) + " is not allowed on " + std::string(target));
        } else {
            throw ApiError(404, "no such endpoint: " + std::string(target));
        }
    } catch (const ApiError& e) {
        r.response = error_response(req, e);
    }
    if (r.response && r.response->result_int() >= 400) state.metrics.count_error();
    return r;
}

}  // namespace bitnet::server
