// SPDX-License-Identifier: MIT
#include "download.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>
#include <thread>

#include "bitnet/error.hpp"
#include "file_lock.hpp"
#include "sha256.hpp"

namespace bitnet::model_tool {

namespace {

namespace fs = std::filesystem;

std::string errno_text() { return std::strerror(errno); }

uint64_t size_or_zero(const fs::path& p) {
    std::error_code ec;
    const auto n = fs::file_size(p, ec);
    return ec ? 0 : n;
}

// The digest an ETag carries when it is a bare SHA-256 (the Hub's LFS files).
std::optional<std::string> etag_sha256(std::string tag) {
    if (tag.rfind("W/", 0) == 0) tag = tag.substr(2);
    if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') tag = tag.substr(1, tag.size() - 2);
    if (!is_sha256_hex(tag)) return std::nullopt;
    return to_lower(tag);
}

void fsync_path(const fs::path& p, bool directory) {
    const int fd = ::open(p.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

// The .part file, written sequentially from a given offset.
class PartFile {
public:
    PartFile(const fs::path& path, uint64_t offset) : path_(path), size_(offset) {
        fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) throw Error(path.string() + ": cannot open for writing: " + errno_text());
        // Anything past offset is from an attempt we do not trust.
        if (::ftruncate(fd_, static_cast<off_t>(offset)) != 0 || ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
            throw Error(path.string() + ": cannot position: " + errno_text());
    }
    ~PartFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    void restart() {
        if (::ftruncate(fd_, 0) != 0 || ::lseek(fd_, 0, SEEK_SET) < 0)
            throw Error(path_.string() + ": cannot truncate: " + errno_text());
        size_ = 0;
    }
    // False with error() set on a write failure (disk full, ...).
    bool write(const char* data, size_t n) {
        while (n > 0) {
            const ssize_t w = ::write(fd_, data, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                error_ = path_.string() + ": write failed: " + errno_text();
                return false;
            }
            data += w;
            n -= static_cast<size_t>(w);
            size_ += static_cast<uint64_t>(w);
        }
        return true;
    }
    uint64_t size() const { return size_; }
    const std::string& error() const { return error_; }

private:
    fs::path path_;
    int fd_{-1};
    uint64_t size_{0};
    std::string error_;
};

std::string first_line(const std::string& body) {
    std::string s = body.substr(0, body.find('\n'));
    if (s.size() > 200) s = s.substr(0, 200) + "...";
    return s;
}

[[noreturn]] void fail_status(const DownloadRequest& req, const HttpOutcome& o, bool have_token) {
    const long st = o.head.status;
    const std::string detail = o.error_body.empty() ? "" : " (" + first_line(o.error_body) + ")";
    if (st == 401 || st == 403) {
        throw Error(req.label + ": HTTP " + std::to_string(st) + " from " + req.url + detail + "; " +
                    (have_token ? "the token in HF_TOKEN was refused: check that it has access to this repository"
                                : "the repository may be gated or private: set HF_TOKEN to an access token"));
    }
    if (st == 404)
        throw Error(req.label + ": not found (HTTP 404 from " + req.url + "); check the repository, file name and revision");
    throw Error(req.label + ": HTTP " + std::to_string(st) + " from " + req.url + detail);
}

DownloadResult use_cached(const DownloadRequest& req, std::ostream& log, const std::string& how) {
    DownloadResult r{req.final_path, size_or_zero(req.final_path), "", true};
    if (req.sha256) {
        r.sha256 = sha256_file(req.final_path);
        if (r.sha256 != *req.sha256)
            throw Error(req.label + ": the cached file " + req.final_path.string() + " has SHA-256 " + r.sha256 +
                        ", not " + *req.sha256 + " (" + req.sha256_source + "); pull with --force to replace it");
    }
    log << req.label << ": " << how << " " << req.final_path.string() << "\n" << std::flush;
    return r;
}

}  // namespace

DownloadResult download_file(const DownloadRequest& req, HttpClient& http, const RetryPolicy& retry,
                             ProgressStyle style, std::ostream& log) {
    std::error_code ec;
    fs::create_directories(req.final_path.parent_path(), ec);
    if (ec) throw Error(req.final_path.parent_path().string() + ": cannot create: " + ec.message());
    if (!req.force && fs::exists(req.final_path)) return use_cached(req, log, "already in the cache:");

    const fs::path part_path = fs::path(req.final_path.string() + ".part");
    FileLock lock(fs::path(req.final_path.string() + ".lock"), [&] {
        log << req.label << ": another pull of this file is running; waiting for it to finish\n" << std::flush;
    });
    if (!req.force && fs::exists(req.final_path)) return use_cached(req, log, "pulled by the other process:");

    std::optional<uint64_t> want_size = req.size;
    std::optional<std::string> want_sha = req.sha256;
    std::string sha_source = req.sha256_source;
    Progress progress(req.label, style, log);
    int failures = 0;

    for (;;) {
        uint64_t have = size_or_zero(part_path);
        if (want_size && have > *want_size) have = 0;  // not a prefix of this file
        if (want_size && have == *want_size && have > 0) break;

        PartFile part(part_path, have);
        std::string abort_reason;
        bool started = false;
        const BodySink sink = [&](const HttpHead& head, const char* data, size_t n) {
            if (!started) {
                started = true;
                if (head.status == 206 && head.range_start.value_or(UINT64_MAX) != have) {
                    abort_reason = "the server answered the range request for byte " + std::to_string(have) +
                                   " with another range";
                    return false;
                }
                if (head.status != 206 && have > 0) {
                    progress.interrupt();
                    log << req.label << ": the server ignored the range request; starting over\n";
                    part.restart();
                }
                std::optional<uint64_t> total = want_size ? want_size : head.linked_size;
                if (!total) total = head.status == 206 ? head.range_total : head.content_length;
                progress.start(part.size(), total);
            }
            if (!part.write(data, n)) {
                abort_reason = part.error();
                return false;
            }
            progress.update(part.size());
            return true;
        };
        const HttpOutcome o = http.get(req.url, have, sink);
        const HttpHead& h = o.head;
        const uint64_t got = part.size();

        // What the Hub tells us about the file, unless the caller knew better.
        if (!want_sha) {
            if (auto d = etag_sha256(h.linked_etag)) {
                want_sha = d;
                sha_source = "the Hub's X-Linked-ETag";
            } else if (auto e = etag_sha256(h.origin_etag)) {
                want_sha = e;
                sha_source = "the server's ETag";
            }
        }
        if (!want_size && h.linked_size) want_size = h.linked_size;

        std::string why;                     // set when the attempt failed but another may succeed
        std::optional<double> server_delay;  // Retry-After, when the server gave one
        if (o.aborted_by_sink) {
            progress.interrupt();
            if (abort_reason.find("write failed") != std::string::npos) throw Error(abort_reason);
            part.restart();
            why = abort_reason;
        } else if (h.status >= 200 && h.status < 300 && o.transport_code == 0) {
            std::optional<uint64_t> total = want_size;
            if (!total) total = h.status == 206 ? h.range_total : h.content_length;
            if (total && got < *total) {
                why = "the connection ended at byte " + std::to_string(got) + " of " + std::to_string(*total);
            } else {
                if (!want_size && total) want_size = total;
                progress.finish(got);
                break;
            }
        } else if (h.status == 416) {
            // Nothing left to send from `have`: complete if the server's size agrees.
            if (h.range_total && *h.range_total == have && (!want_size || *want_size == have)) {
                want_size = have;
                break;
            }
            part.restart();
            why = "the server could not serve a range from byte " + std::to_string(have) + "; starting over";
        } else if (h.status == 408 || h.status == 429 || h.status >= 500) {
            why = "HTTP " + std::to_string(h.status);
            server_delay = parse_retry_after(h.retry_after);
        } else if (h.status >= 300 && o.transport_code == 0) {
            fail_status(req, o, http.has_token());
        } else if (o.transport_code != 0 && !o.transport_retryable) {
            progress.interrupt();
            throw Error(req.label + ": " + req.url + ": " + o.transport_error);
        } else {
            why = o.transport_error.empty() ? "transfer failed" : o.transport_error;
        }

        progress.interrupt();
        if (got > have) failures = 0;  // progress was made: this network is only flaky
        if (++failures > retry.max_failures)
            throw Error(req.label + ": giving up after " + std::to_string(retry.max_failures) +
                        " failed attempts (last: " + why + "); " +
                        (size_or_zero(part_path) ? "the partial download " + part_path.string() +
                                                       " is kept and the next pull resumes it"
                                                 : std::string("nothing was saved")));
        double delay = std::min(retry.max_delay_s, retry.base_delay_s * std::pow(2.0, failures - 1));
        std::string because;
        if (server_delay) {
            delay = std::min(*server_delay, retry.max_retry_after_s);
            because = " (the server's Retry-After)";
        }
        char secs[32];
        std::snprintf(secs, sizeof(secs), "%.1f", delay);
        log << req.label << ": " << why << "; retrying in " << secs << " s" << because << " [attempt "
            << failures + 1 << " of " << retry.max_failures + 1 << "]\n"
            << std::flush;
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    }

    // Verify before the rename: a bad download never reaches the final name.
    const uint64_t size = size_or_zero(part_path);
    if (want_size && size != *want_size) {
        fs::remove(part_path, ec);
        throw Error(req.label + ": downloaded " + std::to_string(size) + " bytes, expected " +
                    std::to_string(*want_size) + "; the download was discarded");
    }
    DownloadResult result{req.final_path, size, "", false};
    if (want_sha) {
        result.sha256 = sha256_file(part_path);
        if (result.sha256 != *want_sha) {
            fs::remove(part_path, ec);
            throw Error(req.label + ": SHA-256 mismatch: expected " + *want_sha + " (" + sha_source + "), got " +
                        result.sha256 + "; the download was discarded and nothing was cached");
        }
        log << req.label << ": SHA-256 verified (" << sha_source << ")\n";
    } else {
        log << req.label << ": no SHA-256 is published for this file; verified its size only ("
            << format_bytes(size) << ")\n";
    }
    fsync_path(part_path, false);
    fs::rename(part_path, req.final_path, ec);
    if (ec) throw Error(part_path.string() + ": cannot rename to " + req.final_path.string() + ": " + ec.message());
    fsync_path(req.final_path.parent_path(), true);
    log << req.label << ": saved " << req.final_path.string() << "\n" << std::flush;
    return result;
}

}  // namespace bitnet::model_tool
