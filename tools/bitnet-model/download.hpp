// SPDX-License-Identifier: MIT
// A resumable, verified download of one file into its final place: bytes go to
// <final>.part (resumed with Range after any failure), the size and SHA-256 are
// checked, and only then is the part renamed over <final>. A lock file makes a
// second pull of the same file wait and then find it done.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "http_client.hpp"
#include "progress.hpp"

namespace bitnet::model_tool {

struct RetryPolicy {
    int max_failures{8};            // consecutive attempts without progress before giving up
    double base_delay_s{1.0};       // first backoff; doubles with each consecutive failure
    double max_delay_s{60.0};
    double max_retry_after_s{600.0};  // a longer Retry-After is shortened to this
};

struct DownloadRequest {
    std::string url;
    std::filesystem::path final_path;
    std::string label;                  // names the file in messages
    std::optional<std::string> sha256;  // expected digest, from --sha256 or the Hub's listing
    std::string sha256_source;          // where it came from, for messages
    std::optional<uint64_t> size;       // expected size when known in advance
    bool force{false};                  // download even when the final file exists
};

struct DownloadResult {
    std::filesystem::path path;
    uint64_t size{0};
    std::string sha256;   // empty when no digest was known and none was computed
    bool already_cached{false};
};

// Throws bitnet::Error with a message fit for "error: " when the file cannot be
// had: not found, refused, retries exhausted (the .part is kept for the next
// pull to resume) or verification failed (the .part is deleted).
DownloadResult download_file(const DownloadRequest& req, HttpClient& http, const RetryPolicy& retry,
                             ProgressStyle style, std::ostream& log);

}  // namespace bitnet::model_tool
