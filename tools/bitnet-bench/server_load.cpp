// SPDX-License-Identifier: MIT
#include "server_load.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace bitnet::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

std::string request_body(const ServerLoadOptions& o, int index) {
    json::object body{{"prompt", o.prompts[static_cast<size_t>(index) % o.prompts.size()]},
                      {"max_tokens", o.max_tokens},
                      {"temperature", o.temperature},
                      {"seed", o.seed + static_cast<uint64_t>(index)},
                      {"stream", true},
                      // llama.cpp's server field: every request generates max_tokens.
                      {"ignore_eos", true}};
    return json::serialize(body);
}

// Counts the token events of an SSE body fed in pieces: every `data: {...}` line
// whose first choice carries text is one event; `data: [DONE]` ends it.
class SseCounter {
public:
    // Returns true when this piece held the first token event.
    bool feed(std::string_view piece) {
        pending_.append(piece);
        bool first = false;
        for (size_t nl; (nl = pending_.find('\n')) != std::string::npos; pending_.erase(0, nl + 1)) {
            std::string_view line(pending_.data(), nl);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!line.starts_with("data:")) continue;
            line.remove_prefix(5);
            while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
            if (line == "[DONE]") {
                done_ = true;
                continue;
            }
            boost::system::error_code ec;
            const auto v = json::parse(line, ec);
            if (ec || !v.is_object()) throw std::runtime_error("unreadable stream event: " + std::string(line));
            const auto* choices = v.as_object().if_contains("choices");
            if (!choices || !choices->is_array() || choices->as_array().empty()) continue;
            const auto& c = choices->as_array().front().as_object();
            const json::value* text = c.if_contains("text");
            if (!text)
                if (const auto* delta = c.if_contains("delta"); delta && delta->is_object())
                    text = delta->as_object().if_contains("content");
            if (text && text->is_string() && !text->as_string().empty()) {
                if (tokens_ == 0) first = true;
                ++tokens_;
            }
        }
        return first;
    }
    int tokens() const { return tokens_; }
    bool done() const { return done_; }

private:
    std::string pending_;
    int tokens_{0};
    bool done_{false};
};

RequestTiming one_request(const ServerLoadOptions& o, int index, Clock::time_point t0) {
    asio::io_context io;
    asio::ip::tcp::resolver resolver(io);
    beast::tcp_stream stream(io);
    stream.connect(resolver.resolve(o.host, std::to_string(o.port)));

    http::request<http::string_body> req{http::verb::post, "/v1/completions", 11};
    req.set(http::field::host, o.host);
    req.set(http::field::content_type, "application/json");
    req.set(http::field::accept, "text/event-stream");
    if (!o.api_key.empty()) req.set(http::field::authorization, "Bearer " + o.api_key);
    req.body() = request_body(o, index);
    req.prepare_payload();

    RequestTiming t;
    const auto sent = Clock::now();
    t.start_s = ms_between(t0, sent) / 1000;
    http::write(stream, req);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    http::read_header(stream, buffer, parser);
    if (parser.get().result() != http::status::ok)
        throw std::runtime_error("HTTP " + std::to_string(parser.get().result_int()));
    SseCounter sse;
    char piece[4096];
    while (!parser.is_done()) {
        parser.get().body().data = piece;
        parser.get().body().size = sizeof piece;
        beast::error_code ec;
        // read_some, not read: read would wait until the piece is full, so the
        // first token would be timed when ~20 events had arrived.
        http::read_some(stream, buffer, parser, ec);
        if (ec && ec != http::error::need_buffer) throw beast::system_error(ec);
        const size_t got = sizeof piece - parser.get().body().size;
        if (sse.feed({piece, got})) t.ttft_ms = ms_between(sent, Clock::now());
    }
    const auto end = Clock::now();
    if (!sse.done()) throw std::runtime_error("stream ended without data: [DONE]");
    t.latency_ms = ms_between(sent, end);
    t.end_s = ms_between(t0, end) / 1000;
    t.tokens = sse.tokens();
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    return t;
}

}  // namespace

ServerLoadResult run_server_load(const ServerLoadOptions& o) {
    ServerLoadResult r;
    std::mutex m;
    std::atomic<int> next{0};
    const auto t0 = Clock::now();
    std::vector<std::thread> clients;
    for (int c = 0; c < o.clients; ++c)
        clients.emplace_back([&, c] {
            for (int i; (i = next++) < o.requests;) {
                try {
                    auto t = one_request(o, i, t0);
                    t.client = c;
                    std::lock_guard lock(m);
                    r.requests.push_back(t);
                } catch (const std::exception& e) {
                    std::lock_guard lock(m);
                    if (r.errors++ == 0) r.first_error = e.what();
                }
            }
        });
    for (auto& t : clients) t.join();
    r.wall_s = ms_between(t0, Clock::now()) / 1000;
    return r;
}

}  // namespace bitnet::bench
