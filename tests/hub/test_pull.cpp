// SPDX-License-Identifier: MIT
// bitnet-model pull against a local HTTP server that injects faults: the pull
// resumes or retries and ends with the right bytes, or fails with a clear
// message and leaves nothing in the cache's final place.
#define BOOST_TEST_MODULE hub_pull
#include <boost/test/unit_test.hpp>
#include <openssl/evp.h>

#include <atomic>
#include <filesystem>
#include <future>

#include "http_fault_server.hpp"
#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::CommandResult;
using bitnet::test::http_head;
using bitnet::test::HttpFaultServer;
using bitnet::test::HttpRequest;
using bitnet::test::run_command;
using bitnet::test::send_all;
using bitnet::test::serve_bytes;

const std::string kTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-model";
const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kDemoModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
const std::string kResolve = "/owner/model/resolve/main/";

// Deterministic bytes that are not a repeating pattern.
std::string make_data(size_t n, uint32_t seed) {
    std::string s(n, '\0');
    uint32_t x = seed;
    for (char& c : s) {
        x = x * 1664525u + 1013904223u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
    static const char* kHex = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) hex += std::string{kHex[md[i] >> 4], kHex[md[i] & 15]};
    return hex;
}

std::string read_all(const fs::path& p) { return bitnet::test::read_file_text(p); }

// A fresh cache directory per test and the environment that points the tool at
// it and at the server, with short retry delays.
struct Fixture {
    fs::path cache;
    explicit Fixture(const std::string& name) {
        cache = fs::temp_directory_path() / ("bitnet-hub-" + name + "-" + std::to_string(::getpid()));
        fs::remove_all(cache);
        fs::create_directories(cache);
    }
    ~Fixture() { fs::remove_all(cache); }
    std::vector<std::string> env(const HttpFaultServer& server, std::vector<std::string> extra = {}) const {
        std::vector<std::string> e{"BITNET_CACHE_DIR=" + cache.string(), "BITNET_HF_ENDPOINT=" + server.endpoint(),
                                   "HF_TOKEN=", "HF_HUB_OFFLINE=", "BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA=",
                                   "http_proxy=", "HTTP_PROXY=", "all_proxy=", "ALL_PROXY="};
        for (const auto& x : extra) {  // an extra NAME=value replaces the default one
            const std::string name = x.substr(0, x.find('=') + 1);
            std::erase_if(e, [&](const std::string& d) { return d.rfind(name, 0) == 0; });
            e.push_back(x);
        }
        return e;
    }
    fs::path cached(const std::string& file) const { return cache / "owner" / "model" / "main" / file; }
};

CommandResult pull(const Fixture& fx, const HttpFaultServer& server, const std::string& file,
                   std::vector<std::string> more = {}, std::vector<std::string> env = {}) {
    std::vector<std::string> args{"pull", "owner/model", "--file", file, "--retry-delay", "0.01"};
    args.insert(args.end(), more.begin(), more.end());
    return run_command(kTool, args, fx.env(server, std::move(env)));
}

std::string linked_etag(const std::string& data) { return "X-Linked-ETag: \"" + sha256_hex(data) + "\""; }

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (size_t p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

BOOST_AUTO_TEST_CASE(resumes_with_range_after_the_connection_drops_mid_body) {
    Fixture fx("drop");
    const std::string data = make_data(300000, 1);
    std::atomic<int> calls{0};
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (calls++ == 0) {
            send_all(fd, http_head(200, {linked_etag(data)}, data.size()));
            send_all(fd, std::string_view(data).substr(0, 100000));
            return;  // connection closes mid-body
        }
        serve_bytes(fd, r, data, {linked_etag(data)});
    });
    const auto res = pull(fx, server, "model.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.out == fx.cached("model.bin").string() + "\n");
    BOOST_TEST(read_all(fx.cached("model.bin")) == data, "cached bytes differ from the served file");
    const auto reqs = server.requests();
    BOOST_REQUIRE_EQUAL(reqs.size(), 2u);
    BOOST_TEST(!reqs[0].range_from.has_value());
    BOOST_TEST(reqs[1].range_from.value_or(0) == 100000u, "the retry must ask for the missing bytes only");
    BOOST_TEST(res.err.find("SHA-256 verified") != std::string::npos);
    BOOST_TEST(!fs::exists(fx.cached("model.bin.part")));
}

BOOST_AUTO_TEST_CASE(waits_as_retry_after_asks_on_503) {
    Fixture fx("503");
    const std::string data = make_data(5000, 2);
    std::atomic<int> calls{0};
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (calls++ == 0) {
            send_all(fd, http_head(503, {"Retry-After: 1"}, 0));
            return;
        }
        serve_bytes(fd, r, data);
    });
    const auto res = pull(fx, server, "a.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.err.find("HTTP 503; retrying in 1.0 s (the server's Retry-After)") != std::string::npos);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
    BOOST_TEST(server.requests().size() == 2u);
}

BOOST_AUTO_TEST_CASE(retries_429_with_backoff_until_served) {
    Fixture fx("429");
    const std::string data = make_data(5000, 3);
    std::atomic<int> calls{0};
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (calls++ < 2) {
            send_all(fd, http_head(429, {}, 0));
            return;
        }
        serve_bytes(fd, r, data);
    });
    const auto res = pull(fx, server, "a.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(count_of(res.err, "HTTP 429; retrying in") == 2u);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
    BOOST_TEST(server.requests().size() == 3u);
}

BOOST_AUTO_TEST_CASE(content_length_longer_than_the_body_is_resumed_and_verified) {
    Fixture fx("longlen");
    const std::string data = make_data(40000, 4);
    std::atomic<int> calls{0};
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (calls++ == 0) {
            send_all(fd, http_head(200, {linked_etag(data)}, data.size() + 1000));  // a lie
            send_all(fd, data);
            return;
        }
        serve_bytes(fd, r, data, {linked_etag(data)});  // 416 bytes */size: nothing is missing
    });
    const auto res = pull(fx, server, "a.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
    BOOST_TEST(res.err.find("SHA-256 verified") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(content_length_shorter_than_the_file_is_completed_from_the_linked_size) {
    Fixture fx("shortlen");
    const std::string data = make_data(40000, 5);
    const std::string size_header = "X-Linked-Size: " + std::to_string(data.size());
    std::atomic<int> calls{0};
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (calls++ == 0) {
            send_all(fd, http_head(200, {linked_etag(data), size_header}, data.size() - 1000));  // a lie
            send_all(fd, data);
            return;
        }
        serve_bytes(fd, r, data, {linked_etag(data), size_header});
    });
    const auto res = pull(fx, server, "a.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
    const auto reqs = server.requests();
    BOOST_REQUIRE_EQUAL(reqs.size(), 2u);
    BOOST_TEST(reqs[1].range_from.value_or(0) == data.size() - 1000);
}

BOOST_AUTO_TEST_CASE(corrupted_byte_fails_with_sha256_mismatch_and_caches_nothing) {
    Fixture fx("corrupt");
    const std::string data = make_data(50000, 6);
    std::string bad = data;
    bad[31337] = static_cast<char>(bad[31337] ^ 0x10);
    HttpFaultServer server([&](const HttpRequest& r, int fd) { serve_bytes(fd, r, bad, {linked_etag(data)}); });
    const auto res = pull(fx, server, "a.bin");
    BOOST_TEST(!res.signaled);
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("error: owner/model:a.bin: SHA-256 mismatch: expected " + sha256_hex(data)) !=
                   std::string::npos,
               "stderr: " << res.err);
    BOOST_TEST(res.err.find("got " + sha256_hex(bad)) != std::string::npos, "stderr: " << res.err);
    BOOST_TEST(!fs::exists(fx.cached("a.bin")), "a corrupt download reached the final place");
    BOOST_TEST(!fs::exists(fx.cached("a.bin.part")), "a corrupt part was kept for resuming");
}

BOOST_AUTO_TEST_CASE(explicit_sha256_is_checked_and_a_good_cached_file_is_never_replaced) {
    Fixture fx("explicit");
    const std::string data = make_data(20000, 7);
    std::string other = make_data(20000, 8);
    std::atomic<bool> serve_other{false};
    HttpFaultServer server([&](const HttpRequest& r, int fd) { serve_bytes(fd, r, serve_other ? other : data); });
    auto res = pull(fx, server, "a.bin", {"--sha256", sha256_hex(data)});
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.err.find("SHA-256 verified (--sha256)") != std::string::npos);

    // A forced re-download that does not match keeps the good file in place.
    serve_other = true;
    res = pull(fx, server, "a.bin", {"--sha256", sha256_hex(data), "--force"});
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("SHA-256 mismatch") != std::string::npos, "stderr: " << res.err);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data, "the good cached file was replaced");
}

BOOST_AUTO_TEST_CASE(without_a_published_digest_only_the_size_is_verified_and_said_so) {
    Fixture fx("nosha");
    const std::string data = make_data(3000, 9);
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        serve_bytes(fd, r, data, {"ETag: \"0123456789abcdef0123456789abcdef01234567\""});  // a git sha1, not sha256
    });
    const auto res = pull(fx, server, "config.json");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.err.find("no SHA-256 is published for this file; verified its size only") != std::string::npos);
    BOOST_TEST(read_all(fx.cached("config.json")) == data);
}

BOOST_AUTO_TEST_CASE(follows_the_hub_redirect_and_verifies_with_its_linked_etag) {
    Fixture fx("redirect");
    const std::string data = make_data(70000, 10);
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (r.target.rfind(kResolve, 0) == 0) {
            send_all(fd, http_head(302, {"Location: /cdn/blob?sig=1", linked_etag(data),
                                         "X-Linked-Size: " + std::to_string(data.size())},
                                   0));
            return;
        }
        // The CDN's own ETag is not the file's SHA-256 and must not be taken for it.
        serve_bytes(fd, r, data, {"ETag: \"" + sha256_hex("not the file") + "\""});
    });
    const auto res = pull(fx, server, "model.gguf");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.err.find("SHA-256 verified (the Hub's X-Linked-ETag)") != std::string::npos);
    BOOST_TEST(read_all(fx.cached("model.gguf")) == data);
}

BOOST_AUTO_TEST_CASE(missing_file_is_a_clear_error_without_retries) {
    Fixture fx("404");
    HttpFaultServer server([&](const HttpRequest&, int fd) {
        send_all(fd, http_head(404, {}, 15));
        send_all(fd, "Entry not found");
    });
    const auto res = pull(fx, server, "nope.gguf");
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("error: owner/model:nope.gguf: not found (HTTP 404") == 0, "stderr: " << res.err);
    BOOST_TEST(server.requests().size() == 1u);
    BOOST_TEST(!fs::exists(fx.cached("nope.gguf")));
}

BOOST_AUTO_TEST_CASE(gated_file_needs_hf_token_sent_as_bearer) {
    Fixture fx("token");
    const std::string data = make_data(4000, 11);
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (r.authorization != "Bearer sekret") {
            send_all(fd, http_head(401, {}, 0));
            return;
        }
        serve_bytes(fd, r, data);
    });
    auto res = pull(fx, server, "a.bin");
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("HTTP 401") != std::string::npos, "stderr: " << res.err);
    BOOST_TEST(res.err.find("set HF_TOKEN") != std::string::npos, "stderr: " << res.err);

    res = pull(fx, server, "a.bin", {}, {"HF_TOKEN=sekret"});
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
}

BOOST_AUTO_TEST_CASE(gives_up_keeping_the_part_and_the_next_pull_resumes_it) {
    Fixture fx("giveup");
    const std::string data = make_data(60000, 12);
    std::atomic<int> phase{0};  // 0: drop after 25000 bytes, 1: always 503, 2: healthy
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (phase == 0) {
            send_all(fd, http_head(200, {}, data.size()));
            send_all(fd, std::string_view(data).substr(0, 25000));
            phase = 1;
            return;
        }
        if (phase == 1) {
            send_all(fd, http_head(503, {}, 0));
            return;
        }
        serve_bytes(fd, r, data, {linked_etag(data)});
    });
    auto res = pull(fx, server, "a.bin", {"--retries", "2"});
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("giving up after 2 failed attempts (last: HTTP 503)") != std::string::npos,
               "stderr: " << res.err);
    BOOST_TEST(res.err.find("is kept and the next pull resumes it") != std::string::npos, "stderr: " << res.err);
    BOOST_TEST(!fs::exists(fx.cached("a.bin")));
    BOOST_REQUIRE(fs::exists(fx.cached("a.bin.part")));
    BOOST_TEST(fs::file_size(fx.cached("a.bin.part")) == 25000u);

    phase = 2;
    res = pull(fx, server, "a.bin");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(server.requests().back().range_from.value_or(0) == 25000u);
    BOOST_TEST(read_all(fx.cached("a.bin")) == data);
}

BOOST_AUTO_TEST_CASE(two_concurrent_pulls_produce_one_file_from_one_download) {
    Fixture fx("concurrent");
    const std::string data = make_data(200000, 13);
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        // Slow enough that the second pull starts while the first is still receiving.
        send_all(fd, http_head(200, {linked_etag(data)}, data.size()));
        for (size_t off = 0; off < data.size(); off += 20000) {
            send_all(fd, std::string_view(data).substr(off, 20000));
            std::this_thread::sleep_for(std::chrono::milliseconds(60));
        }
        (void)r;
    });
    auto first = std::async(std::launch::async, [&] { return pull(fx, server, "big.bin"); });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    auto second = std::async(std::launch::async, [&] { return pull(fx, server, "big.bin"); });
    const auto a = first.get(), b = second.get();
    BOOST_TEST_INFO("first: " << a.err << "\nsecond: " << b.err);
    BOOST_REQUIRE_EQUAL(a.exit_code, 0);
    BOOST_REQUIRE_EQUAL(b.exit_code, 0);
    BOOST_TEST(a.out == b.out);
    BOOST_TEST(server.count(kResolve + "big.bin") == 1u, "the file was downloaded more than once");
    BOOST_TEST(read_all(fx.cached("big.bin")) == data);
    size_t entries = 0;
    for (const auto& e : fs::directory_iterator(fx.cached("big.bin").parent_path()))
        if (e.path().filename() != "big.bin.lock") ++entries;
    BOOST_TEST(entries == 1u, "want only the final file beside the lock");
}

BOOST_AUTO_TEST_CASE(whole_repository_pull_uses_the_hub_listing_sizes_and_digests) {
    Fixture fx("listing");
    const std::string weights = make_data(30000, 14), config = "{\"architectures\": []}";
    const std::string listing = "{\"siblings\": [{\"rfilename\": \"config.json\", \"size\": " +
                                std::to_string(config.size()) + "}, {\"rfilename\": \"sub/model.safetensors\", "
                                "\"size\": " + std::to_string(weights.size()) + ", \"lfs\": {\"sha256\": \"" +
                                sha256_hex(weights) + "\", \"size\": " + std::to_string(weights.size()) + "}}]}";
    HttpFaultServer server([&](const HttpRequest& r, int fd) {
        if (r.target == "/api/models/owner/model/revision/main?blobs=true") serve_bytes(fd, r, listing);
        else if (r.target == kResolve + "config.json") serve_bytes(fd, r, config);
        else if (r.target == kResolve + "sub/model.safetensors") serve_bytes(fd, r, weights);
        else send_all(fd, http_head(404, {}, 0));
    });
    const auto res = run_command(kTool, {"pull", "owner/model", "--retry-delay", "0.01"}, fx.env(server));
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.out == (fx.cache / "owner" / "model" / "main").string() + "\n");
    BOOST_TEST(read_all(fx.cached("config.json")) == config);
    BOOST_TEST(read_all(fx.cached("sub/model.safetensors")) == weights);
    BOOST_TEST(res.err.find("sub/model.safetensors: SHA-256 verified (the Hub's file listing)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(progress_is_plain_lines_when_stderr_is_not_a_terminal) {
    Fixture fx("progress");
    const std::string data = make_data(100000, 15);
    HttpFaultServer server([&](const HttpRequest& r, int fd) { serve_bytes(fd, r, data); });
    const auto res = pull(fx, server, "a.bin");
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.err.find('\r') == std::string::npos, "a redrawn bar went to a pipe: " << res.err);
    BOOST_TEST(res.err.find("owner/model:a.bin: transfer complete, 97.7 KiB") != std::string::npos,
               "stderr: " << res.err);
}

BOOST_AUTO_TEST_CASE(offline_with_an_empty_cache_fails_clearly) {
    Fixture fx("offline-empty");
    HttpFaultServer server([&](const HttpRequest&, int fd) { send_all(fd, http_head(500, {}, 0)); });
    const auto res = pull(fx, server, "m.gguf", {"--offline"});
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("error: owner/model:m.gguf is not in the model cache (" + fx.cached("m.gguf").string() +
                            "); fetch it with `bitnet-model pull owner/model --file m.gguf`") == 0,
               "stderr: " << res.err);
    BOOST_TEST(server.requests().empty(), "--offline touched the network");

    const auto run = run_command(kRun, {"-m", "owner/model:m.gguf", "-p", "x"}, fx.env(server));
    BOOST_TEST(run.exit_code == 1);
    BOOST_TEST(run.err.find("is not in the model cache") != std::string::npos, "stderr: " << run.err);
    BOOST_TEST(run.err.find("bitnet-model pull owner/model --file m.gguf") != std::string::npos, "stderr: " << run.err);
}

BOOST_AUTO_TEST_CASE(pulled_model_runs_by_name_from_the_cache_offline) {
    Fixture fx("offline-run");
    const std::string model = read_all(kDemoModel);
    HttpFaultServer server([&](const HttpRequest& r, int fd) { serve_bytes(fd, r, model, {linked_etag(model)}); });
    auto res = pull(fx, server, "stories.gguf");
    BOOST_TEST_INFO("stderr: " << res.err);
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    const size_t served = server.requests().size();

    res = pull(fx, server, "stories.gguf", {"--offline"});
    BOOST_REQUIRE_EQUAL(res.exit_code, 0);
    BOOST_TEST(res.out == fx.cached("stories.gguf").string() + "\n");

    const std::vector<std::string> gen{"-p", "Once upon a time", "--temp", "0", "-n", "24", "-t", "1"};
    auto by_name_args = std::vector<std::string>{"-m", "owner/model:stories.gguf"};
    by_name_args.insert(by_name_args.end(), gen.begin(), gen.end());
    auto by_path_args = std::vector<std::string>{"-m", kDemoModel};
    by_path_args.insert(by_path_args.end(), gen.begin(), gen.end());
    const auto by_name = run_command(kRun, by_name_args, fx.env(server));
    const auto by_path = run_command(kRun, by_path_args, fx.env(server));
    BOOST_TEST_INFO("stderr: " << by_name.err);
    BOOST_REQUIRE_EQUAL(by_name.exit_code, 0);
    BOOST_REQUIRE_EQUAL(by_path.exit_code, 0);
    BOOST_TEST(by_name.out == by_path.out);
    BOOST_TEST(by_name.out.size() > std::string("Once upon a time\n").size());
    BOOST_TEST(server.requests().size() == served, "bitnet-run or --offline touched the network");
}

BOOST_AUTO_TEST_CASE(rejects_names_that_would_escape_the_cache) {
    Fixture fx("escape");
    HttpFaultServer server([&](const HttpRequest&, int fd) { send_all(fd, http_head(500, {}, 0)); });
    for (const std::string file : {"../x.gguf", "a/../../x", "/etc/passwd", "a//b"}) {
        const auto res = pull(fx, server, file);
        BOOST_TEST(res.exit_code == 1, file);
        BOOST_TEST(res.err.find("error: file name '" + file + "'") == 0, "stderr: " << res.err);
    }
    const auto res = run_command(kTool, {"pull", "../owner/model", "--file", "x"}, fx.env(server));
    BOOST_TEST(res.exit_code == 1);
    BOOST_TEST(res.err.find("is not a repository id") != std::string::npos, "stderr: " << res.err);
    BOOST_TEST(server.requests().empty());
}
