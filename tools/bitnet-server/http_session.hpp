// SPDX-License-Identifier: MIT
// One HTTP/1.1 connection (Boost.Beast): reads a request under a time limit and
// a body limit, answers it or hands a completion to the scheduler, and writes
// its result, whole or as Server-Sent Events, then reads the next request.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "api_response.hpp"
#include "job.hpp"
#include "routes.hpp"
#include "server_state.hpp"

namespace bitnet::server {

inline constexpr uint64_t kMaxBodyBytes = 1 << 20;

class HttpSession : public std::enable_shared_from_this<HttpSession> {
public:
    HttpSession(boost::asio::ip::tcp::socket socket, ServerState& state);
    void start() { read_request(); }

private:
    using Write = std::function<void(std::function<void(boost::beast::error_code)>)>;

    void read_request();
    void on_read(boost::beast::error_code ec, size_t bytes);
    void answer_read_timeout();
    // While a generation runs: cancels it when the client closes or resets.
    void watch_peer();
    void start_completion(CompletionRequest request);
    // Called on the connection's executor, posted from the scheduler thread.
    void on_job_text(std::string text);
    void on_job_done(JobOutcome out);
    void begin_stream();

    void send(Response res);            // a whole response, then the next request
    void send_chunk(std::string data);  // one chunk of the streamed body
    void end_stream();                  // the last chunk, then the next request
    void enqueue(Write w);
    void write_next();
    void close();
    void end_job();

    boost::beast::tcp_stream stream_;
    // Not the stream's own expiry: that closes the socket, and a slow client
    // should still read its 408.
    boost::asio::steady_timer read_timer_;
    bool read_timed_out_{false};
    bool watching_peer_{false};
    boost::beast::flat_buffer buffer_;
    std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
    Request request_;
    ServerState& state_;

    std::deque<Write> writes_;
    bool writing_{false};
    bool response_done_{false};  // the current response is fully queued
    bool keep_alive_{true};
    bool dead_{false};           // the connection failed or closed

    std::shared_ptr<Job> job_;
    bool streaming_{false}, include_usage_{false}, stream_started_{false};
    ResponseMeta meta_;
    std::string text_;  // a non-streamed answer so far
};

// Accepts connections and starts one HttpSession for each.
class Listener : public std::enable_shared_from_this<Listener> {
public:
    // Binds and listens; throws bitnet::Error with the address on failure.
    Listener(boost::asio::io_context& ioc, const std::string& host, uint16_t port, ServerState& state);
    void start() { accept(); }
    boost::asio::ip::tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }

private:
    void accept();
    boost::asio::io_context& ioc_;
    boost::asio::ip::tcp::acceptor acceptor_;
    ServerState& state_;
};

}  // namespace bitnet::server
