// SPDX-License-Identifier: MIT
#include "pull.hpp"

#include <boost/json.hpp>

#include <cmath>
#include <thread>
#include <vector>

#include "bitnet/error.hpp"
#include "bitnet/hub.hpp"
#include "sha256.hpp"

namespace bitnet::model_tool {

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr size_t kListingMax = 64u << 20;

struct RemoteFile {
    std::string name;
    std::optional<uint64_t> size;
    std::optional<std::string> sha256;
};

// GET a small document (the file listing), retrying like a download does.
std::string fetch_text(HttpClient& http, const std::string& url, const RetryPolicy& retry, std::ostream& log) {
    for (int failures = 1;; ++failures) {
        std::string body;
        const HttpOutcome o = http.get(url, 0, [&](const HttpHead&, const char* d, size_t n) {
            if (body.size() + n > kListingMax) return false;
            body.append(d, n);
            return true;
        });
        const long st = o.head.status;
        if (o.transport_code == 0 && st >= 200 && st < 300) return body;
        if (o.aborted_by_sink) throw Error(url + ": the file listing is larger than expected");
        const bool retryable = (o.transport_code != 0 && o.transport_retryable) || st == 408 || st == 429 || st >= 500;
        if (!retryable || failures > retry.max_failures) {
            if (o.transport_code != 0) throw Error(url + ": " + o.transport_error);
            if (st == 401 || st == 403)
                throw Error("HTTP " + std::to_string(st) + " from " + url +
                            (http.has_token() ? "; the token in HF_TOKEN was refused"
                                              : "; the repository may be gated or private: set HF_TOKEN"));
            if (st == 404) throw Error("not found (HTTP 404 from " + url + "); check the repository and revision");
            throw Error("HTTP " + std::to_string(st) + " from " + url);
        }
        double delay = std::min(retry.max_delay_s, retry.base_delay_s * std::pow(2.0, failures - 1));
        if (auto ra = parse_retry_after(o.head.retry_after)) delay = std::min(*ra, retry.max_retry_after_s);
        log << url << ": " << (o.transport_code ? o.transport_error : "HTTP " + std::to_string(st))
            << "; retrying in " << delay << " s\n";
        std::this_thread::sleep_for(std::chrono::duration<double>(delay));
    }
}

// The Hub's listing: GET /api/models/{repo}/revision/{rev}?blobs=true gives every
// file with its size and, for LFS files, the SHA-256.
std::vector<RemoteFile> list_files(HttpClient& http, const PullOptions& opt, std::ostream& log) {
    const std::string url = opt.endpoint + "/api/models/" + opt.repo + "/revision/" +
                            url_encode(opt.revision, false) + "?blobs=true";
    const std::string text = fetch_text(http, url, opt.retry, log);
    std::vector<RemoteFile> files;
    try {
        const json::value doc = json::parse(text);
        for (const json::value& s : doc.at("siblings").as_array()) {
            const json::object& o = s.as_object();
            RemoteFile f;
            f.name = std::string(o.at("rfilename").as_string());
            hub::check_repo_file(f.name);
            if (const json::value* lfs = o.if_contains("lfs"); lfs && lfs->is_object()) {
                const json::object& l = lfs->as_object();
                if (const json::value* sha = l.if_contains("sha256"); sha && sha->is_string() &&
                                                                     is_sha256_hex(sha->as_string()))
                    f.sha256 = to_lower(std::string(sha->as_string()));
                if (const json::value* sz = l.if_contains("size"); sz && sz->is_number())
                    f.size = sz->to_number<uint64_t>();
            }
            if (const json::value* sz = o.if_contains("size"); !f.size && sz && sz->is_number())
                f.size = sz->to_number<uint64_t>();
            files.push_back(std::move(f));
        }
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(url + ": not a file listing the Hub would send (" + e.what() + ")");
    }
    if (files.empty()) throw Error(opt.repo + " lists no files at revision " + opt.revision);
    return files;
}

}  // namespace

std::string resolve_url(const std::string& endpoint, const std::string& repo, const std::string& revision,
                        const std::string& file) {
    return endpoint + "/" + repo + "/resolve/" + url_encode(revision, false) + "/" + url_encode(file, true);
}

void run_pull(const PullOptions& opt, std::ostream& out, std::ostream& log) {
    hub::check_repo_id(opt.repo);
    hub::check_revision(opt.revision);
    if (opt.file) hub::check_repo_file(*opt.file);
    if (opt.sha256 && !opt.file) throw Error("--sha256 needs --file (it checks one file)");
    if (opt.sha256 && !is_sha256_hex(*opt.sha256)) throw Error("--sha256 wants 64 hex digits");

    if (opt.offline) {
        if (opt.file) {
            out << hub::resolve_cached(opt.cache_dir, {opt.repo, *opt.file, opt.revision}).string() << "\n";
            return;
        }
        const fs::path dir = hub::cached_file_path(opt.cache_dir, {opt.repo, "x", opt.revision}).parent_path();
        if (!fs::is_directory(dir))
            throw Error(opt.repo + " (revision " + opt.revision + ") is not in the model cache (" + dir.string() +
                        ") and --offline forbids downloading it");
        out << dir.string() << "\n";
        return;
    }

    HttpClient http(HttpSettings{opt.token});
    std::vector<RemoteFile> files;
    if (opt.file) {
        files.push_back({*opt.file, std::nullopt, opt.sha256 ? std::optional(to_lower(*opt.sha256)) : std::nullopt});
    } else {
        files = list_files(http, opt, log);
        log << opt.repo << ": " << files.size() << " files at revision " << opt.revision << "\n";
    }

    fs::path last;
    for (const RemoteFile& f : files) {
        const hub::ModelRef ref{opt.repo, f.name, opt.revision};
        DownloadRequest req;
        req.url = resolve_url(opt.endpoint, opt.repo, opt.revision, f.name);
        req.final_path = hub::cached_file_path(opt.cache_dir, ref);
        req.label = hub::to_string(ref);
        req.sha256 = f.sha256;
        req.sha256_source = opt.sha256 ? "--sha256" : "the Hub's file listing";
        req.size = f.size;
        req.force = opt.force;
        last = download_file(req, http, opt.retry, opt.progress, log).path;
    }
    if (opt.file) out << last.string() << "\n";
    else out << hub::cached_file_path(opt.cache_dir, {opt.repo, "x", opt.revision}).parent_path().string() << "\n";
}

}  // namespace bitnet::model_tool
