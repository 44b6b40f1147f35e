// SPDX-License-Identifier: MIT
#include "http_session.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <chrono>
#include <sys/socket.h>

#include "bitnet/error.hpp"

namespace bitnet::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

}  // namespace

HttpSession::HttpSession(tcp::socket socket, ServerState& state)
    : stream_(std::move(socket)), read_timer_(stream_.get_executor()), state_(state) {}

void HttpSession::read_request() {
    parser_.emplace();
    parser_->body_limit(kMaxBodyBytes);
    parser_->header_limit(16 * 1024);
    // The whole request, headers and body, must arrive within the timeout: a
    // slow-loris client gets 408 and its connection closed.
    read_timed_out_ = false;
    read_timer_.expires_after(std::chrono::seconds(state_.options.timeout_s));
    read_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (ec || self->dead_) return;
        self->read_timed_out_ = true;
        self->stream_.cancel();
    });
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, size_t) {
    read_timer_.cancel();
    if (ec == net::error::operation_aborted && read_timed_out_) return answer_read_timeout();
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::connection_reset || ec == net::error::eof)
        return close();
    state_.metrics.count_request();
    if (ec) {
        // Oversized or malformed: answer, then close (the rest of the stream cannot be trusted).
        request_ = {};
        request_.version(11);
        const bool too_big = ec == http::error::body_limit;
        const bool header_big = ec == http::error::header_limit;
        auto res = error_response(request_, ApiError(too_big ? 413 : header_big ? 431 : 400,
                                                     too_big ? "the request body exceeds 1 MiB"
                                                             : "malformed HTTP request: " + ec.message()));
        state_.metrics.count_error();
        res.keep_alive(false);
        return send(std::move(res));
    }
    request_ = parser_->release();
    auto r = route(request_, state_);
    if (r.response) return send(std::move(*r.response));
    start_completion(std::move(*r.completion));
}

void HttpSession::answer_read_timeout() {
    // An idle keep-alive connection has asked nothing: close it without an
    // answer a client could take for its next request's.
    if (buffer_.size() == 0 && !parser_->got_some()) return close();
    state_.metrics.count_request();
    state_.metrics.count_error();
    request_ = {};
    request_.version(11);
    auto res = error_response(request_, ApiError(408,
                                                 "the request did not arrive within " +
                                                     std::to_string(state_.options.timeout_s) + " s (--timeout)",
                                                 {}, "invalid_request_error", "request_timeout"));
    res.keep_alive(false);
    send(std::move(res));
}

void HttpSession::watch_peer() {
    if (watching_peer_) return;
    watching_peer_ = true;
    stream_.socket().async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
        self->watching_peer_ = false;
        if (ec == net::error::operation_aborted || self->dead_ || !self->job_) return;
        if (!ec) {
            char c;
            const auto n = ::recv(self->stream_.socket().native_handle(), &c, 1, MSG_PEEK | MSG_DONTWAIT);
            if (n > 0) return;  // a pipelined request: the client is still there
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return self->watch_peer();
        }
        // End of stream or a reset. A client that only half-closes is taken
        // as gone too, as nginx does: HTTP/1.1 clients do not do that and wait.
        self->job_->cancelled = true;
        self->close();
    });
}

void HttpSession::start_completion(CompletionRequest request) {
    Scheduler* scheduler = state_.scheduler.load();
    meta_ = {request.chat, std::string(request.chat ? "chatcmpl-" : "cmpl-") + std::to_string(++state_.next_id),
             static_cast<int64_t>(std::time(nullptr)), state_.model_name};
    streaming_ = request.stream;
    include_usage_ = request.include_usage;
    stream_started_ = false;
    text_.clear();
    auto job = std::make_shared<Job>();
    job->prompt = std::move(request.prompt);
    job->gen = std::move(request.gen);
    auto self = shared_from_this();
    auto executor = stream_.get_executor();
    job->on_text = [self, executor](std::string_view text) {
        net::post(executor, [self, t = std::string(text)]() mutable { self->on_job_text(std::move(t)); });
    };
    job->on_done = [self, executor](const JobOutcome& out) {
        net::post(executor, [self, out] { self->on_job_done(out); });
    };
    job_ = job;
    ++state_.in_flight;
    switch (scheduler->submit(job)) {
        case Scheduler::Admission::Queued: return watch_peer();
        case Scheduler::Admission::QueueFull:
            end_job();
            state_.metrics.count_error();
            return send(error_response(request_, ApiError(503, "too many requests are waiting; retry later", {},
                                                          "server_error", "queue_full")));
        case Scheduler::Admission::Draining:
            end_job();
            state_.metrics.count_error();
            return send(error_response(request_, ApiError(503, "the server is shutting down", {}, "server_error")));
    }
}

void HttpSession::begin_stream() {
    stream_started_ = true;
    struct Head {
        explicit Head(unsigned version) : res(http::status::ok, version), sr(res) {}
        http::response<http::empty_body> res;
        http::response_serializer<http::empty_body> sr;
    };
    auto head = std::make_shared<Head>(request_.version());
    head->res.set(http::field::server, "bitnet-server");
    head->res.set(http::field::content_type, "text/event-stream");
    head->res.set(http::field::cache_control, "no-cache");
    head->res.keep_alive(request_.keep_alive());
    head->res.chunked(true);
    keep_alive_ = request_.keep_alive();
    enqueue([this, head](auto done) {
        http::async_write_header(stream_, head->sr, [head, done](beast::error_code ec, size_t) { done(ec); });
    });
    if (meta_.chat) send_chunk(stream_role_event(meta_));
}

void HttpSession::on_job_text(std::string text) {
    if (dead_) return;
    if (!streaming_) {
        text_ += text;
        return;
    }
    if (!stream_started_) begin_stream();
    send_chunk(stream_text_event(meta_, text));
}

void HttpSession::on_job_done(JobOutcome out) {
    job_.reset();
    if (dead_) return end_job();
    if (out.status != 200 && !stream_started_) {
        state_.metrics.count_error();
        end_job();
        return send(error_response(request_, ApiError(out.status, out.error, {},
                                                      out.status >= 500 ? "server_error" : "invalid_request_error")));
    }
    if (!streaming_) {
        end_job();
        return send(make_response(request_, 200, completion_body(meta_, text_, out)));
    }
    if (!stream_started_) begin_stream();
    send_chunk(stream_finish_event(meta_, out));
    if (include_usage_) send_chunk(stream_usage_event(meta_, out));
    send_chunk(std::string(kStreamDone));
    end_job();
    end_stream();
}

void HttpSession::send(Response res) {
    keep_alive_ = res.keep_alive();
    auto p = std::make_shared<Response>(std::move(res));
    response_done_ = true;
    enqueue([this, p](auto done) { http::async_write(stream_, *p, [p, done](beast::error_code ec, size_t) { done(ec); }); });
}

void HttpSession::send_chunk(std::string data) {
    auto p = std::make_shared<std::string>(std::move(data));
    enqueue([this, p](auto done) {
        net::async_write(stream_, http::make_chunk(net::buffer(*p)), [p, done](beast::error_code ec, size_t) { done(ec); });
    });
}

void HttpSession::end_stream() {
    response_done_ = true;
    enqueue([this](auto done) {
        net::async_write(stream_, http::make_chunk_last(), [done](beast::error_code ec, size_t) { done(ec); });
    });
}

void HttpSession::enqueue(Write w) {
    writes_.push_back(std::move(w));
    if (!writing_) write_next();
}

void HttpSession::write_next() {
    if (dead_) return;
    if (writes_.empty()) {
        writing_ = false;
        if (!response_done_) return;
        response_done_ = false;
        if (keep_alive_) return read_request();
        return close();
    }
    writing_ = true;
    auto w = std::move(writes_.front());
    writes_.pop_front();
    w([self = shared_from_this()](beast::error_code ec) {
        if (ec) {
            // The client went away: its generation stops at the next step.
            if (self->job_) self->job_->cancelled = true;
            return self->close();
        }
        self->write_next();
    });
}

void HttpSession::close() {
    if (dead_) return;
    dead_ = true;
    writes_.clear();
    read_timer_.cancel();
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
}

void HttpSession::end_job() {
    --state_.in_flight;
}

Listener::Listener(net::io_context& ioc, const std::string& host, uint16_t port, ServerState& state)
    : ioc_(ioc), acceptor_(ioc), state_(state) {
    beast::error_code ec;
    auto address = net::ip::make_address(host, ec);
    if (ec) throw Error("--host " + host + " is not an IP address");
    tcp::endpoint ep{address, port};
    const std::string where = host + ":" + std::to_string(port);
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) throw Error("cannot listen on " + where + ": " + ec.message());
}

void Listener::accept() {
    acceptor_.async_accept(net::make_strand(ioc_), [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
        if (!ec) std::make_shared<HttpSession>(std::move(s), self->state_)->start();
        self->accept();
    });
}

}  // namespace bitnet::server
