// SPDX-License-Identifier: MIT
#include "server_options.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <sstream>

#include "bitnet/error.hpp"
#include "engine_options.hpp"

namespace bitnet::server {

namespace po = boost::program_options;

ServerOptions parse_server_options(int argc, char** argv) {
    ServerOptions r;
    unsigned port = 8080;
    po::options_description desc("bitnet-server: OpenAI-compatible HTTP server for a BitNet b1.58 GGUF model\n\nOptions");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("model,m", po::value(&r.engine.model_path), "GGUF model file")
        ("host", po::value(&r.host)->default_value("127.0.0.1"), "address to listen on")
        ("port", po::value(&port)->default_value(8080), "port to listen on (0: any free port, printed on stdout)")
        ("api-key", po::value(&r.api_key), "require 'Authorization: Bearer KEY' on every request (default: BITNET_API_KEY)")
        ("parallel", po::value(&r.parallel)->default_value(1), "slots: requests generating at the same time")
        ("ctx-size,c", po::value(&r.ctx_size)->default_value(0), "context size of each slot (0: the model's)")
        ("max-queue", po::value(&r.max_queue)->default_value(64), "requests that may wait for a slot; more get 503")
        ("timeout", po::value(&r.timeout_s)->default_value(30), "seconds to read one request (headers and body)")
        ("drain-timeout", po::value(&r.drain_timeout_s)->default_value(30), "seconds running requests may take after SIGTERM")
        ("receipt-dir", po::value(&r.receipt_dir), "write one JSON run receipt per request into this directory");
    // clang-format on
    desc.add(tools::engine_options_description(r.engine));
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(std::string(e.what()) + " (see --help)");
    }
    std::ostringstream help;
    help << desc;
    r.help_text = help.str();
    r.show_help = vm.count("help") > 0;
    tools::finish_engine_options(vm, r.engine);
    if (r.show_help) return r;
    if (r.engine.model_path.empty()) throw Error("no model given (use -m FILE)");
    if (port > 65535) throw Error("--port must be in [0, 65535]");
    r.port = static_cast<uint16_t>(port);
    if (r.api_key.empty())
        if (const char* env = std::getenv("BITNET_API_KEY"); env) r.api_key = env;
    if (r.parallel < 1 || r.parallel > 256) throw Error("--parallel must be in [1, 256]");
    if (r.ctx_size < 0) throw Error("--ctx-size must not be negative");
    if (r.max_queue < 1) throw Error("--max-queue must be at least 1");
    if (r.timeout_s < 1) throw Error("--timeout must be at least 1 second");
    if (r.drain_timeout_s < 0) throw Error("--drain-timeout must not be negative");
    return r;
}

}  // namespace bitnet::server
