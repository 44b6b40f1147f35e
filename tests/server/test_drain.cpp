// SPDX-License-Identifier: MIT
// bitnet-server while a generation runs: SIGTERM drains (the running request
// completes, a new one is refused, the process exits 0), a non-streamed client
// that leaves mid-generation frees its slot, and a server outlives no test.
// The demo model generates ~8000 tok/s, too fast to catch a request running;
// these tests serve the synthetic "medium" model (~125 tok/s on one thread).
#define BOOST_TEST_MODULE server_drain
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "run_command.hpp"
#include "server_process.hpp"

using namespace bitnet::test;
namespace fs = std::filesystem;
namespace json = boost::json;
using clock_type = std::chrono::steady_clock;

namespace {

const json::object kGood{{"prompt", "Once upon a time"}, {"max_tokens", 4}, {"temperature", 0}};

struct SlowModel {
    SlowModel() {
        dir = fs::temp_directory_path() / ("bitnet-server-drain-" + std::to_string(getpid()));
        fs::create_directories(dir);
        path = (dir / "medium.gguf").string();
        auto r = run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf",
                             {"synth", "--preset", "medium", "--out", path});
        if (r.exit_code != 0) throw std::runtime_error("bitnet-gguf synth failed: " + r.err);
    }
    ~SlowModel() { fs::remove_all(dir); }
    fs::path dir;
    std::string path;
    static SlowModel* instance;
};
SlowModel* SlowModel::instance = nullptr;

struct SlowModelFixture {
    SlowModelFixture() { SlowModel::instance = new SlowModel; }
    ~SlowModelFixture() { delete SlowModel::instance; }
};
BOOST_TEST_GLOBAL_FIXTURE(SlowModelFixture);

ServerProcess slow_server(std::vector<std::string> extra = {}) {
    return ServerProcess(std::move(extra), {}, {}, {}, SlowModel::instance->path);
}

std::string raw_post(const std::string& body) {
    return "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
}

// Polls /metrics until it contains every line of want (true) or the timeout.
bool metrics_show(uint16_t port, const std::vector<std::string>& want, std::chrono::milliseconds timeout,
                  std::string* last) {
    const auto end = clock_type::now() + timeout;
    do {
        *last = get(port, "/metrics").body;
        bool all = true;
        for (const auto& w : want) all = all && last->find(w + "\n") != std::string::npos;
        if (all) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (clock_type::now() < end);
    return false;
}

}  // namespace

BOOST_AUTO_TEST_CASE(sigterm_lets_the_running_request_finish_refuses_new_ones_and_exits_zero) {
    ServerProcess server = slow_server();
    BOOST_REQUIRE(post(server.port(), "/v1/completions", kGood).status == 200u);
    // ~0.8 s of generation, streamed so the test sees it running before SIGTERM.
    net::io_context ioc;
    auto s = connect(ioc, server.port());
    net::write(s, net::buffer(raw_post(R"({"prompt": "Once upon a time", "max_tokens": 100, "ignore_eos": true,)"
                                       R"( "temperature": 0, "stream": true})")));
    boost::beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    http::read_header(s, buffer, parser);
    BOOST_REQUIRE(parser.get().result_int() == 200u);

    server.signal(SIGTERM);
    const auto sigterm_at = clock_type::now();
    // A new request now gets 503 (or, once the listener is gone, no connection).
    Reply refused;
    for (int i = 0; i < 50; ++i) {
        refused = post(server.port(), "/v1/completions", kGood);
        if (refused.status != 200u) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    BOOST_TEST((refused.status == 503u || refused.status == 0u), "after SIGTERM: " << refused.status << " " << refused.body);
    if (refused.status == 503u) {
        BOOST_TEST(refused.json().at("error").at("type").as_string() == "server_error");
        BOOST_TEST(refused.fields.count("Retry-After") == 1u);
    }

    boost::beast::error_code ec;
    http::read(s, buffer, parser, ec);
    const auto finished_at = clock_type::now();
    BOOST_REQUIRE_MESSAGE(!ec, "the running stream broke off: " << ec.message());
    bool done = false;
    auto events = sse_events(parser.get().body(), &done);
    BOOST_TEST(done, "the running stream did not end with [DONE]");
    std::string text;
    for (const auto& e : events) text += e.at("choices").at(0).at("text").as_string();
    BOOST_TEST(!text.empty());
    BOOST_TEST(events.back().at("choices").at(0).at("finish_reason").as_string() == "length");
    BOOST_TEST((finished_at > sigterm_at + std::chrono::milliseconds(50)),
               "the stream ended right at SIGTERM: it was not running long enough to test the drain");
    BOOST_TEST(server.wait(std::chrono::seconds(10)) == 0, "bitnet-server did not exit 0 within 10 s of its drain");
}

BOOST_AUTO_TEST_CASE(a_non_streamed_client_leaving_mid_generation_frees_its_slot) {
    ServerProcess server = slow_server({"--ctx-size", "2048"});
    const auto start = clock_type::now();
    {
        // ~16 s of generation if nothing stopped it.
        net::io_context ioc;
        auto s = connect(ioc, server.port());
        net::write(s, net::buffer(raw_post(R"({"prompt": "Once upon a time", "max_tokens": 2000, "ignore_eos": true})")));
        std::string metrics;
        BOOST_REQUIRE_MESSAGE(metrics_show(server.port(), {"bitnet_active_slots 1"}, std::chrono::seconds(10), &metrics),
                              metrics);
        s.set_option(net::socket_base::linger(true, 0));  // close with a reset, mid-generation
    }
    std::string metrics;
    BOOST_TEST(metrics_show(server.port(), {"bitnet_completions_cancelled_total 1", "bitnet_active_slots 0"},
                            std::chrono::seconds(5), &metrics),
               "the slot was not freed:\n" << metrics);
    // The one slot serves the next request long before 2000 tokens could have run.
    BOOST_TEST(post(server.port(), "/v1/completions", kGood).status == 200u);
    BOOST_TEST((clock_type::now() - start < std::chrono::seconds(8)));
}

BOOST_AUTO_TEST_CASE(the_server_dies_with_a_test_process_that_crashes) {
    int fds[2];
    BOOST_REQUIRE(pipe(fds) == 0);
    const pid_t child = fork();
    if (child == 0) {
        // A test process that starts a server and dies without its destructors.
        close(fds[0]);
        try {
            ServerProcess server;
            const pid_t pid = server.pid();
            if (write(fds[1], &pid, sizeof pid) != sizeof pid) _exit(2);
            raise(SIGKILL);
        } catch (...) {
        }
        _exit(3);
    }
    close(fds[1]);
    pid_t server_pid = -1;
    const bool got = read(fds[0], &server_pid, sizeof server_pid) == sizeof server_pid;
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    BOOST_REQUIRE_MESSAGE(got, "the child test process did not start a server");
    BOOST_TEST(WIFSIGNALED(status));
    // Gone, or a zombie of whoever adopted it: either way no longer serving.
    const auto gone = [&] {
        std::ifstream stat("/proc/" + std::to_string(server_pid) + "/stat");
        std::string pid, comm, state;
        return !(stat >> pid >> comm >> state) || state == "Z";
    };
    const auto end = clock_type::now() + std::chrono::seconds(5);
    while (!gone() && clock_type::now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    BOOST_TEST(gone(), "bitnet-server " << server_pid << " outlived the test process that started it");
    if (!gone()) kill(server_pid, SIGKILL);
}
