// SPDX-License-Identifier: MIT
#include "server_options.hpp"

#include <boost/program_options.hpp>
#include <cstdlib>
#include <sstream>

#include "bitnet/error.hpp"

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
        ("receipt-dir", po::value(&r.receipt_dir), "write one JSON run receipt per request into this directory")
        ("threads,t", po::value(&r.engine.threads)->default_value(0), "threads (0: every available core)")
        ("head-precision", po::value(&r.engine.head_precision)->default_value("f16"), "output head: f16 (reference) or q8 (int8 per-row, faster, approximate)")
        ("no-mmap", "read the weights into huge-page memory at load instead of reading the file mapping")
        ("backend", po::value(&r.engine.backend)->default_value("auto"), "auto, or a plugin name (cpu-scalar, avx2, ...)")
        ("plugin-dir", po::value(&r.engine.plugin_dirs)->composing(), "search this plugin directory first (repeatable)")
        ("max-cpu-isa", po::value(&r.engine.max_cpu_isa), "use no ISA above this: scalar, avx2, avx512 (overrides BITNET_MAX_CPU_ISA)");
    // clang-format on
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
    r.engine.use_mmap = vm.count("no-mmap") == 0;
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
    if (r.engine.threads > 1024) throw Error("--threads " + std::to_string(r.engine.threads) + " is too many");
    return r;
}

}  // namespace bitnet::server
