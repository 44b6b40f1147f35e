// SPDX-License-Identifier: MIT
// bitnet-server under bad input and faults: each refused request gets a 4xx
// with an OpenAI-style error and the next good request still succeeds; API
// keys; a request's text does not depend on what else runs; a client that
// disconnects mid-stream frees its slot; SIGTERM exits 0.
#define BOOST_TEST_MODULE server_faults
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <thread>

#include "server_process.hpp"

using namespace bitnet::test;
namespace json = boost::json;

namespace {

const json::object kGood{{"prompt", "Once upon a time"}, {"max_tokens", 8}, {"temperature", 0}};

void expect_error_then_good(uint16_t port, unsigned status, const Reply& bad, const std::string& what) {
    BOOST_TEST(bad.status == status, what << ": status " << bad.status << " body " << bad.body);
    if (bad.status != 0) {
        auto doc = bad.json();
        BOOST_TEST(doc.at("error").at("message").is_string(), what);
        BOOST_TEST(doc.at("error").at("type").is_string(), what);
    }
    BOOST_TEST(post(port, "/v1/completions", kGood).status == 200u, "good request after " << what);
}

}  // namespace

BOOST_AUTO_TEST_CASE(bad_requests_get_4xx_and_the_server_keeps_serving) {
    ServerProcess server({"--ctx-size", "64"});
    const auto p = server.port();
    expect_error_then_good(p, 400, post(p, "/v1/completions", std::string("{\"prompt\": ")), "malformed JSON");
    expect_error_then_good(p, 400, post(p, "/v1/completions", std::string("[1, 2]")), "not an object");
    json::object wrong = kGood;
    wrong["temperature"] = "hot";
    expect_error_then_good(p, 400, post(p, "/v1/completions", wrong), "temperature as a string");
    json::object zero = kGood;
    zero["max_tokens"] = 0;
    expect_error_then_good(p, 400, post(p, "/v1/completions", zero), "max_tokens 0");
    for (const char* key : {"frequency_penalty", "presence_penalty"}) {
        json::object penalty = kGood;
        penalty[key] = 2.5;
        auto reply = post(p, "/v1/completions", penalty);
        if (reply.status == 400u) BOOST_TEST(reply.json().at("error").at("param").as_string() == key);
        expect_error_then_good(p, 400, reply, std::string(key) + " 2.5");
    }
    json::object no_messages{{"messages", "hi"}};
    expect_error_then_good(p, 400, post(p, "/v1/chat/completions", no_messages), "messages as a string");
    std::string long_prompt;
    for (int i = 0; i < 100; ++i) long_prompt += "the dog ran ";
    json::object too_long = kGood;
    too_long["prompt"] = long_prompt;
    expect_error_then_good(p, 400, post(p, "/v1/completions", too_long), "prompt longer than the context");
    // A 2 MiB body is refused from its Content-Length, before it is sent.
    net::io_context ioc;
    auto s = connect(ioc, p);
    const std::string head = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: 2097152\r\n\r\n";
    net::write(s, net::buffer(head));
    expect_error_then_good(p, 413, read_reply(s), "a 2 MiB body");
}

BOOST_AUTO_TEST_CASE(slow_headers_get_408_within_the_read_timeout) {
    ServerProcess server({"--timeout", "1"});
    net::io_context ioc;
    auto s = connect(ioc, server.port());
    const std::string partial = "POST /v1/completions HTTP/1.1\r\nHost: x\r\n";
    net::write(s, net::buffer(partial));
    const auto start = std::chrono::steady_clock::now();
    auto reply = read_reply(s);
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
    BOOST_TEST(reply.fields["Connection"] == "close");
    if (reply.status == 408u) BOOST_TEST(reply.json().at("error").at("code").as_string() == "request_timeout");
    expect_error_then_good(server.port(), 408, reply, "headers cut off mid-way");
    // The server closes the connection after the 408.
    char c;
    boost::system::error_code ec;
    s.read_some(net::buffer(&c, 1), ec);
    BOOST_TEST(bool(ec), "the connection stayed open after the 408");
}

BOOST_AUTO_TEST_CASE(an_idle_keep_alive_connection_is_closed_without_an_answer) {
    ServerProcess server({"--timeout", "1"});
    net::io_context ioc;
    auto s = connect(ioc, server.port());
    const auto start = std::chrono::steady_clock::now();
    char c;
    boost::system::error_code ec;
    const size_t n = s.read_some(net::buffer(&c, 1), ec);
    BOOST_TEST(n == 0u, "the server sent an answer to a connection that asked nothing");
    BOOST_TEST(ec == net::error::eof, ec.message());
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
    BOOST_TEST(post(server.port(), "/v1/completions", kGood).status == 200u);
}

BOOST_AUTO_TEST_CASE(api_key_is_required_when_set) {
    for (bool from_env : {false, true}) {
        ServerProcess server(from_env ? std::vector<std::string>{} : std::vector<std::string>{"--api-key", "sekrit"},
                             from_env ? std::vector<std::string>{"BITNET_API_KEY=sekrit"} : std::vector<std::string>{},
                             {{"Authorization", "Bearer sekrit"}});
        auto none = post(server.port(), "/v1/completions", kGood);
        BOOST_TEST(none.status == 401u);
        BOOST_TEST(none.json().at("error").at("code").as_string() == "invalid_api_key");
        BOOST_TEST(post(server.port(), "/v1/completions", kGood, {{"Authorization", "Bearer wrong"}}).status == 401u);
        BOOST_TEST(post(server.port(), "/v1/completions", kGood, {{"Authorization", "Bearer sekrit"}}).status == 200u);
    }
}

BOOST_AUTO_TEST_CASE(a_request_generates_the_same_text_alone_or_alongside_another) {
    ServerProcess server({"--parallel", "2"});
    json::object a{{"prompt", "Once upon a time"}, {"max_tokens", 60}, {"temperature", 0.9}, {"seed", 7},
                   {"ignore_eos", true}};
    json::object b{{"prompt", "The little dog"}, {"max_tokens", 60}, {"temperature", 0.9}, {"seed", 99},
                   {"ignore_eos", true}};
    const auto alone = post(server.port(), "/v1/completions", a).json().at("choices").at(0).at("text");
    for (int round = 0; round < 3; ++round) {
        Reply ra, rb;
        std::thread other([&] { rb = post(server.port(), "/v1/completions", b); });
        ra = post(server.port(), "/v1/completions", a);
        other.join();
        BOOST_REQUIRE(ra.status == 200u);
        BOOST_REQUIRE(rb.status == 200u);
        BOOST_TEST((ra.json().at("choices").at(0).at("text") == alone), "alone: " << alone << "\nalongside: " << ra.body);
    }
}

BOOST_AUTO_TEST_CASE(a_client_leaving_mid_stream_frees_its_slot) {
    ServerProcess server;
    {
        net::io_context ioc;
        auto s = connect(ioc, server.port());
        const std::string body =
            R"({"prompt": "Once upon a time", "max_tokens": 250, "ignore_eos": true, "stream": true})";
        const std::string req = "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        net::write(s, net::buffer(req));
        char head[64];
        s.read_some(net::buffer(head));
        s.set_option(net::socket_base::linger(true, 0));  // close with a reset
    }
    std::string metrics;
    for (int i = 0; i < 100; ++i) {
        metrics = get(server.port(), "/metrics").body;
        if (metrics.find("bitnet_completions_cancelled_total 1") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    BOOST_TEST(metrics.find("bitnet_completions_cancelled_total 1") != std::string::npos, metrics);
    BOOST_TEST(metrics.find("bitnet_active_slots 0") != std::string::npos, metrics);
    BOOST_TEST(post(server.port(), "/v1/completions", kGood).status == 200u);
}

BOOST_AUTO_TEST_CASE(sigterm_exits_zero) {
    ServerProcess server;
    BOOST_REQUIRE(post(server.port(), "/v1/completions", kGood).status == 200u);
    server.signal(SIGTERM);
    BOOST_TEST(server.wait(std::chrono::seconds(10)) == 0);
}
