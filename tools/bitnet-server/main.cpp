// SPDX-License-Identifier: MIT
// bitnet-server: an OpenAI-compatible HTTP server. Listens first (and prints
// "listening on HOST:PORT"), then loads the model; /health answers 503 until it
// is loaded. The main thread then becomes the scheduler thread and owns the
// engine; one I/O thread serves the connections. SIGTERM or SIGINT drains.
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <thread>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "http_session.hpp"
#include "scheduler.hpp"
#include "server_options.hpp"
#include "server_state.hpp"

namespace {

using namespace bitnet;
using namespace bitnet::server;
namespace net = boost::asio;

// After the scheduler has finished, stops the I/O loop once every answer is
// written (or a second past the drain deadline).
void stop_when_written(net::steady_timer& timer, net::io_context& ioc, ServerState& state,
                       const std::atomic<bool>& scheduler_done, std::chrono::steady_clock::time_point deadline) {
    timer.expires_after(std::chrono::milliseconds(20));
    timer.async_wait([&, deadline](boost::system::error_code) {
        if ((scheduler_done && state.in_flight <= 0) || std::chrono::steady_clock::now() > deadline)
            return ioc.stop();
        stop_when_written(timer, ioc, state, scheduler_done, deadline);
    });
}

int run(int argc, char** argv) {
    auto opt = parse_server_options(argc, argv);
    if (opt.show_help) {
        std::cout << opt.help_text;
        return 0;
    }
    if (!opt.receipt_dir.empty() && !std::filesystem::is_directory(opt.receipt_dir))
        throw Error("--receipt-dir " + opt.receipt_dir + " is not a directory");
    ServerState state(opt);
    state.model_name = std::filesystem::path(opt.engine.model_path).filename().string();
    state.created = static_cast<int64_t>(std::time(nullptr));

    net::io_context ioc(1);
    auto listener = std::make_shared<Listener>(ioc, opt.host, opt.port, state);
    std::cout << "listening on " << opt.host << ":" << listener->endpoint().port() << std::endl;
    listener->start();

    std::atomic<bool> scheduler_done{false};
    const auto drain_timeout = std::chrono::seconds(opt.drain_timeout_s);
    net::steady_timer stop_timer(ioc);
    net::signal_set signals(ioc, SIGTERM, SIGINT);
    signals.async_wait([&](boost::system::error_code ec, int) {
        if (ec) return;
        state.draining = true;
        if (Scheduler* s = state.scheduler.load()) s->drain(drain_timeout);
        stop_when_written(stop_timer, ioc, state, scheduler_done,
                          std::chrono::steady_clock::now() + drain_timeout + std::chrono::seconds(1));
    });
    std::thread io([&] { ioc.run(); });
    struct Join {
        net::io_context& ioc;
        std::thread& t;
        ~Join() {
            ioc.stop();
            if (t.joinable()) t.join();
        }
    } join{ioc, io};

    Engine engine(opt.engine);
    Scheduler scheduler(engine, {opt.parallel, opt.ctx_size, opt.max_queue, opt.receipt_dir}, state.metrics);
    state.scheduler = &scheduler;
    if (state.draining) scheduler.drain(drain_timeout);
    std::cerr << "model " << state.model_name << " loaded in " << engine.load_ms() << " ms; " << opt.parallel
              << " slot(s)" << std::endl;
    scheduler.run();
    scheduler_done = true;
    io.join();  // the I/O loop stops once the last answer is written
    std::cerr << "drained, exiting" << std::endl;
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
