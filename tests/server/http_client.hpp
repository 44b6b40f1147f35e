// SPDX-License-Identifier: MIT
// A small blocking HTTP/1.1 client over Boost.Beast for the server tests.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <map>
#include <string>
#include <vector>

namespace bitnet::test {

namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct Reply {
    unsigned status{0};   // 0: no answer (the connection failed or closed)
    std::string body;
    std::map<std::string, std::string> fields;
    boost::json::value json() const { return boost::json::parse(body); }
};

using Headers = std::map<std::string, std::string>;

inline tcp::socket connect(net::io_context& ioc, uint16_t port) {
    tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), port});
    return s;
}

inline Reply read_reply(tcp::socket& s) {
    Reply r;
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    boost::beast::error_code ec;
    http::read(s, buffer, parser, ec);
    if (ec) return r;
    auto& res = parser.get();
    r.status = res.result_int();
    r.body = res.body();
    for (const auto& f : res) r.fields[std::string(f.name_string())] = std::string(f.value());
    return r;
}

inline Reply request(uint16_t port, http::verb verb, const std::string& target, const std::string& body,
                     const Headers& extra) {
    net::io_context ioc;
    boost::beast::error_code ec;
    tcp::socket s(ioc);
    s.connect({net::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) return {};
    http::request<http::string_body> req{verb, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (verb == http::verb::post) req.set(http::field::content_type, "application/json");
    for (const auto& [k, v] : extra) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    http::write(s, req, ec);
    if (ec) return {};
    return read_reply(s);
}

inline Reply get(uint16_t port, const std::string& target, const Headers& extra = {}) {
    return request(port, http::verb::get, target, "", extra);
}

inline Reply post(uint16_t port, const std::string& target, const std::string& body, const Headers& extra = {}) {
    return request(port, http::verb::post, target, body, extra);
}

inline Reply post(uint16_t port, const std::string& target, const boost::json::value& body, const Headers& extra = {}) {
    return post(port, target, boost::json::serialize(body), extra);
}

// The JSON payloads of an SSE body's "data: " events, [DONE] excluded; done
// tells whether the stream ended with data: [DONE].
inline std::vector<boost::json::value> sse_events(const std::string& body, bool* done) {
    std::vector<boost::json::value> events;
    *done = false;
    size_t pos = 0;
    while ((pos = body.find("data: ", pos)) != std::string::npos) {
        const size_t end = body.find("\n\n", pos);
        const std::string data = body.substr(pos + 6, end - pos - 6);
        pos = end;
        if (data == "[DONE]") {
            *done = true;
            break;
        }
        events.push_back(boost::json::parse(data));
    }
    return events;
}

}  // namespace bitnet::test
