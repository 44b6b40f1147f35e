// SPDX-License-Identifier: MIT
// A small HTTP/1.1 server on 127.0.0.1 for tests of the downloader: each
// connection carries one request, which a test-supplied handler answers with
// raw bytes, so a test can drop the connection mid-body, lie in a header or
// send a 503. Requests are recorded for the test to inspect.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bitnet::test {

struct HttpRequest {
    std::string method;
    std::string target;                // path and query as sent
    std::optional<uint64_t> range_from;  // from "Range: bytes=N-"
    std::string authorization;
};

inline void send_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n <= 0) return;  // the client went away: nothing more to do
        bytes.remove_prefix(static_cast<size_t>(n));
    }
}

// Status line and headers; Content-Length given separately so a test can lie in it.
inline std::string http_head(int status, const std::vector<std::string>& headers,
                             std::optional<uint64_t> content_length) {
    std::string h = "HTTP/1.1 " + std::to_string(status) + " X\r\nConnection: close\r\n";
    if (content_length) h += "Content-Length: " + std::to_string(*content_length) + "\r\n";
    for (const auto& line : headers) h += line + "\r\n";
    return h + "\r\n";
}

// Answers like a file server that honours "Range: bytes=N-".
inline void serve_bytes(int fd, const HttpRequest& r, std::string_view data, std::vector<std::string> headers = {}) {
    const uint64_t size = data.size();
    if (r.range_from && *r.range_from >= size) {
        headers.push_back("Content-Range: bytes */" + std::to_string(size));
        send_all(fd, http_head(416, headers, 0));
        return;
    }
    if (r.range_from) {
        const uint64_t from = *r.range_from;
        headers.push_back("Content-Range: bytes " + std::to_string(from) + "-" + std::to_string(size - 1) + "/" +
                          std::to_string(size));
        send_all(fd, http_head(206, headers, size - from));
        send_all(fd, data.substr(from));
        return;
    }
    send_all(fd, http_head(200, headers, size));
    send_all(fd, data);
}

class HttpFaultServer {
public:
    using Handler = std::function<void(const HttpRequest&, int fd)>;

    explicit HttpFaultServer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        socklen_t len = sizeof(addr);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd_, 16) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
            throw std::runtime_error("cannot listen on 127.0.0.1");
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~HttpFaultServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);  // wakes accept()
        ::close(fd_);
        thread_.join();
    }
    HttpFaultServer(const HttpFaultServer&) = delete;
    HttpFaultServer& operator=(const HttpFaultServer&) = delete;

    std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::vector<HttpRequest> requests() const {
        std::lock_guard<std::mutex> lock(mu_);
        return requests_;
    }
    size_t count(const std::string& target_prefix) const {
        size_t n = 0;
        for (const auto& r : requests())
            if (r.target.rfind(target_prefix, 0) == 0) ++n;
        return n;
    }

private:
    void loop() {
        while (!stop_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            timeval tv{5, 0};
            ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
            if (auto r = read_request(c)) {
                {
                    std::lock_guard<std::mutex> lock(mu_);
                    requests_.push_back(*r);
                }
                handler_(*r, c);
            }
            ::shutdown(c, SHUT_WR);
            ::close(c);
        }
    }

    static std::optional<HttpRequest> read_request(int c) {
        std::string buf;
        char chunk[4096];
        while (buf.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(c, chunk, sizeof(chunk), 0);
            if (n <= 0 || buf.size() > 65536) return std::nullopt;
            buf.append(chunk, static_cast<size_t>(n));
        }
        HttpRequest r;
        const size_t sp1 = buf.find(' '), sp2 = buf.find(' ', sp1 + 1);
        r.method = buf.substr(0, sp1);
        r.target = buf.substr(sp1 + 1, sp2 - sp1 - 1);
        size_t pos = buf.find("\r\n") + 2;
        while (pos < buf.size()) {
            const size_t end = buf.find("\r\n", pos);
            if (end == std::string::npos || end == pos) break;
            const std::string line = buf.substr(pos, end - pos);
            pos = end + 2;
            const size_t colon = line.find(':');
            if (colon == std::string::npos) continue;
            std::string name = line.substr(0, colon);
            for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            std::string value = line.substr(colon + 1);
            while (!value.empty() && value.front() == ' ') value.erase(0, 1);
            if (name == "range" && value.rfind("bytes=", 0) == 0) r.range_from = std::stoull(value.substr(6));
            if (name == "authorization") r.authorization = value;
        }
        return r;
    }

    Handler handler_;
    int fd_{-1};
    uint16_t port_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    mutable std::mutex mu_;
    std::vector<HttpRequest> requests_;
};

}  // namespace bitnet::test
