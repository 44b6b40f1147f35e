// SPDX-License-Identifier: MIT
// One libcurl easy handle, reused across the requests of a pull so a retry can
// reuse the connection. Proxies come from libcurl's usual environment variables
// (http_proxy, https_proxy, no_proxy, ...); the token goes only to the host the
// request was made to, never to a redirect target on another host.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace bitnet::model_tool {

// What the headers of the final response said. linked_* come from whichever
// response of the redirect chain carried them (the Hub puts them on its 302).
struct HttpHead {
    long status{0};
    std::optional<uint64_t> content_length;
    std::optional<uint64_t> range_start;  // Content-Range: bytes START-END/TOTAL
    std::optional<uint64_t> range_total;  // TOTAL of "bytes a-b/TOTAL" or "bytes */TOTAL"
    std::string retry_after;
    std::string etag;
    std::string origin_etag;              // ETag of the first response (the endpoint's own)
    std::string linked_etag;              // X-Linked-ETag
    std::optional<uint64_t> linked_size;  // X-Linked-Size
};

struct HttpOutcome {
    HttpHead head;
    int transport_code{0};        // CURLcode; 0 when the exchange completed
    std::string transport_error;  // libcurl's message when transport_code != 0
    bool transport_retryable{false};
    bool aborted_by_sink{false};
    uint64_t body_bytes{0};       // bytes of a 2xx body handed to the sink
    std::string error_body;       // start of a non-2xx body, for messages
};

// Receives a 2xx body in chunks with the headers that preceded it; returning
// false aborts the transfer (aborted_by_sink is then set).
using BodySink = std::function<bool(const HttpHead& head, const char* data, size_t n)>;

struct HttpSettings {
    std::string bearer_token;  // empty: no Authorization
    long connect_timeout_s{30};
    long stall_timeout_s{60};  // abort a transfer that moved no byte for this long
};

class HttpClient {
public:
    explicit HttpClient(HttpSettings settings);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // GET url following redirects, with "Range: bytes=range_from-" when
    // range_from > 0. Transport failures are reported in the outcome, not thrown.
    HttpOutcome get(const std::string& url, uint64_t range_from, const BodySink& sink);
    bool has_token() const { return !settings_.bearer_token.empty(); }

private:
    void* curl_;
    HttpSettings settings_;
};

// Percent-encodes everything but unreserved characters (and '/' when keep_slash).
std::string url_encode(const std::string& s, bool keep_slash);

// Seconds to wait that a Retry-After value asks for (delta seconds or an HTTP
// date); nullopt when absent or unreadable.
std::optional<double> parse_retry_after(const std::string& value);

}  // namespace bitnet::model_tool
