// SPDX-License-Identifier: MIT
#include "http_client.hpp"

#include <curl/curl.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <ctime>
#include <mutex>

#include "bitnet/error.hpp"

namespace bitnet::model_tool {

namespace {

constexpr size_t kErrorBodyMax = 2048;

struct Exchange {
    HttpOutcome out;
    int responses{0};
    const BodySink* sink{nullptr};
};

std::string trim(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

bool iequals(const std::string& a, const char* b) {
    size_t i = 0;
    for (; i < a.size() && b[i]; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return i == a.size() && !b[i];
}

std::optional<uint64_t> parse_u64(const std::string& s) {
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno || *end) return std::nullopt;
    return v;
}

// "bytes 10-99/100" or "bytes */100".
void parse_content_range(const std::string& v, HttpHead& h) {
    if (v.rfind("bytes ", 0) != 0) return;
    const std::string spec = v.substr(6);
    const size_t slash = spec.find('/');
    if (slash == std::string::npos) return;
    h.range_total = parse_u64(spec.substr(slash + 1));
    const std::string range = spec.substr(0, slash);
    if (const size_t dash = range.find('-'); dash != std::string::npos) h.range_start = parse_u64(range.substr(0, dash));
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    auto& ex = *static_cast<Exchange*>(user);
    HttpHead& h = ex.out.head;
    const std::string line(data, size * n);
    if (line.rfind("HTTP/", 0) == 0) {
        // A new response of the redirect chain: only the X-Linked-* facts carry over.
        HttpHead fresh;
        fresh.origin_etag = h.origin_etag;
        fresh.linked_etag = h.linked_etag;
        fresh.linked_size = h.linked_size;
        const size_t sp = line.find(' ');
        if (sp != std::string::npos) fresh.status = std::strtol(line.c_str() + sp + 1, nullptr, 10);
        h = fresh;
        ++ex.responses;
        ex.out.error_body.clear();
        return size * n;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) return size * n;
    const std::string name = trim(line.substr(0, colon));
    const std::string value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) h.content_length = parse_u64(value);
    else if (iequals(name, "content-range")) parse_content_range(value, h);
    else if (iequals(name, "retry-after")) h.retry_after = value;
    else if (iequals(name, "etag")) {
        h.etag = value;
        if (ex.responses == 1) h.origin_etag = value;
    }
    else if (iequals(name, "x-linked-etag")) h.linked_etag = value;
    else if (iequals(name, "x-linked-size")) h.linked_size = parse_u64(value);
    return size * n;
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    auto& ex = *static_cast<Exchange*>(user);
    const size_t len = size * n;
    const long status = ex.out.head.status;
    if (status < 200 || status >= 300) {
        if (ex.out.error_body.size() < kErrorBodyMax)
            ex.out.error_body.append(data, std::min(len, kErrorBodyMax - ex.out.error_body.size()));
        return len;
    }
    if (!(*ex.sink)(ex.out.head, data, len)) {
        ex.out.aborted_by_sink = true;
        return 0;  // libcurl then fails the transfer with CURLE_WRITE_ERROR
    }
    ex.out.body_bytes += len;
    return len;
}

// Failures that another attempt cannot fix.
bool is_retryable(CURLcode c) {
    switch (c) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_NOT_BUILT_IN:
    case CURLE_TOO_MANY_REDIRECTS:
    case CURLE_WRITE_ERROR:
    case CURLE_ABORTED_BY_CALLBACK:
    case CURLE_OUT_OF_MEMORY:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_LOGIN_DENIED:
        return false;
    default:
        return true;
    }
}

std::once_flag g_curl_init;

}  // namespace

HttpClient::HttpClient(HttpSettings settings) : curl_(nullptr), settings_(std::move(settings)) {
    std::call_once(g_curl_init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_ = curl_easy_init();
    if (!curl_) throw Error("libcurl cannot create a handle");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpOutcome HttpClient::get(const std::string& url, uint64_t range_from, const BodySink& sink) {
    CURL* c = static_cast<CURL*>(curl_);
    curl_easy_reset(c);
    Exchange ex;
    ex.sink = &sink;
    char errbuf[CURL_ERROR_SIZE] = {0};
    const std::string range = std::to_string(range_from) + "-";

    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_USERAGENT, "bitnet-model/0.1 (bitnet-runtime)");
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, settings_.connect_timeout_s);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, settings_.stall_timeout_s);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &ex);
    if (range_from > 0) curl_easy_setopt(c, CURLOPT_RANGE, range.c_str());
    if (!settings_.bearer_token.empty()) {
        // libcurl sends these credentials only to the original host.
        curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
        curl_easy_setopt(c, CURLOPT_XOAUTH2_BEARER, settings_.bearer_token.c_str());
    }

    const CURLcode rc = curl_easy_perform(c);
    ex.out.transport_code = static_cast<int>(rc);
    if (rc != CURLE_OK) {
        ex.out.transport_error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        ex.out.transport_retryable = !ex.out.aborted_by_sink && is_retryable(rc);
    }
    return ex.out;
}

std::string url_encode(const std::string& s, bool keep_slash) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char ch : s) {
        if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~' || (keep_slash && ch == '/')) {
            out += static_cast<char>(ch);
        } else {
            out += '%';
            out += kHex[ch >> 4];
            out += kHex[ch & 15];
        }
    }
    return out;
}

std::optional<double> parse_retry_after(const std::string& value) {
    if (value.empty()) return std::nullopt;
    if (const auto secs = parse_u64(value)) return static_cast<double>(*secs);
    const time_t when = curl_getdate(value.c_str(), nullptr);
    if (when < 0) return std::nullopt;
    const double delta = std::difftime(when, std::time(nullptr));
    return delta > 0 ? delta : 0.0;
}

}  // namespace bitnet::model_tool
