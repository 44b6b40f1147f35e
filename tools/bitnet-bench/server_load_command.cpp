// SPDX-License-Identifier: MIT
// `bitnet-bench server`: option parsing and the report of a server load test.
#include <boost/json.hpp>
#include <boost/program_options.hpp>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <utility>
#include <vector>

#include "bitnet/error.hpp"
#include "commands.hpp"
#include "json_io.hpp"
#include "server_load.hpp"
#include "text_table.hpp"

namespace po = boost::program_options;

namespace bitnet::bench {
namespace {

// Nearest-rank percentile (p in (0, 100]) of samples; 0 when empty.
double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto rank = static_cast<size_t>(std::ceil(p / 100 * static_cast<double>(v.size())));
    return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

// Seconds during which at least one request was decoding (past its first
// token): the denominator of the aggregate decode rate, so that time spent only
// on prompts (every stream's TTFT at the start) does not dilute it.
double decoding_seconds(const std::vector<RequestTiming>& requests) {
    std::vector<std::pair<double, double>> spans;
    for (const auto& t : requests)
        if (t.tokens > 1) spans.emplace_back(t.start_s + t.ttft_ms / 1000, t.end_s);
    std::sort(spans.begin(), spans.end());
    double total = 0, open = 0, close = -1;
    for (const auto& [b, e] : spans) {
        if (b > close) {
            if (close > open) total += close - open;
            open = b;
            close = e;
        } else {
            close = std::max(close, e);
        }
    }
    if (close > open) total += close - open;
    return total;
}

}  // namespace

int server_load_command(int argc, char** argv) {
    ServerLoadOptions o;
    std::vector<std::string> prompts;
    std::string output = "text";
    int port = o.port;
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "show this help")
        ("host", po::value(&o.host)->default_value(o.host), "server address")
        ("port", po::value(&port)->default_value(port), "server port")
        ("api-key", po::value(&o.api_key), "Bearer token (else BITNET_API_KEY)")
        ("clients,c", po::value(&o.clients)->default_value(o.clients), "concurrent clients")
        ("requests", po::value(&o.requests)->default_value(o.requests), "requests in all")
        ("max-tokens,n", po::value(&o.max_tokens)->default_value(o.max_tokens), "tokens per request (ignore_eos)")
        ("prompt,p", po::value(&prompts)->composing(), "prompt text (repeatable; request i takes prompt i mod count)")
        ("temperature", po::value(&o.temperature)->default_value(o.temperature), "sampling temperature")
        ("output,o", po::value(&output)->default_value(output), "text or json");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << "usage: bitnet-bench server [--host H] [--port P] [-c CLIENTS] [--requests N] [-n TOKENS]\n\n"
                     "Load test of a running OpenAI-compatible server: CLIENTS threads send streamed\n"
                     "POST /v1/completions requests, one at a time each, until N are done. Reports\n"
                     "aggregate tokens/s (every request's tokens / wall time), aggregate decode t/s\n"
                     "(tokens after each request's first / time some request was decoding),\n"
                     "per-request latency and time to first token (p50, p99), and each request's\n"
                     "own decode rate.\n\n"
                  << desc;
        return 0;
    }
    if (port <= 0 || port > 65535) throw Error("--port takes 1-65535, not " + std::to_string(port));
    if (o.clients < 1 || o.requests < 1 || o.max_tokens < 1)
        throw Error("--clients, --requests and --max-tokens must be at least 1");
    if (output != "text" && output != "json") throw Error("unknown output format '" + output + "'");
    o.port = static_cast<uint16_t>(port);
    if (!prompts.empty()) o.prompts = prompts;
    if (o.api_key.empty())
        if (const char* k = std::getenv("BITNET_API_KEY")) o.api_key = k;

    const auto r = run_server_load(o);
    std::vector<double> ttft, latency, rate;
    long tokens = 0, decode_tokens = 0;
    for (const auto& t : r.requests) {
        ttft.push_back(t.ttft_ms);
        latency.push_back(t.latency_ms);
        const double decode_s = (t.latency_ms - t.ttft_ms) / 1000;
        if (t.tokens > 1 && decode_s > 0) rate.push_back((t.tokens - 1) / decode_s);
        tokens += t.tokens;
        if (t.tokens > 1) decode_tokens += t.tokens - 1;
    }
    const double aggregate = r.wall_s > 0 ? static_cast<double>(tokens) / r.wall_s : 0;
    const double decoding_s = decoding_seconds(r.requests);
    const double aggregate_decode = decoding_s > 0 ? static_cast<double>(decode_tokens) / decoding_s : 0;

    if (output == "json") {
        boost::json::array reqs;
        for (const auto& t : r.requests)
            reqs.push_back({{"client", t.client}, {"tokens", t.tokens}, {"ttft_ms", t.ttft_ms},
                            {"latency_ms", t.latency_ms}, {"start_s", t.start_s}, {"end_s", t.end_s}});
        write_pretty_json(std::cout, boost::json::object{{"clients", o.clients},
                                                         {"requests", o.requests},
                                                         {"max_tokens", o.max_tokens},
                                                         {"wall_s", r.wall_s},
                                                         {"tokens", tokens},
                                                         {"aggregate_tok_per_s", aggregate},
                                                         {"aggregate_decode_tok_per_s", aggregate_decode},
                                                         {"ttft_ms_p50", percentile(ttft, 50)},
                                                         {"ttft_ms_p99", percentile(ttft, 99)},
                                                         {"latency_ms_p50", percentile(latency, 50)},
                                                         {"latency_ms_p99", percentile(latency, 99)},
                                                         {"request_decode_tok_per_s_p50", percentile(rate, 50)},
                                                         {"errors", r.errors},
                                                         {"first_error", r.first_error},
                                                         {"results", reqs}});
    } else {
        std::cout << o.clients << " clients, " << r.requests.size() << " of " << o.requests << " requests done, "
                  << o.max_tokens << " tokens each, " << format("%.2f", r.wall_s) << " s\n\n";
        TextTable t({"aggregate t/s", "decode t/s", "TTFT p50 ms", "TTFT p99 ms", "latency p50 ms", "latency p99 ms",
                     "request t/s p50", "errors"});
        t.add_row({format("%.2f", aggregate), format("%.2f", aggregate_decode), format("%.0f", percentile(ttft, 50)), format("%.0f", percentile(ttft, 99)),
                   format("%.0f", percentile(latency, 50)), format("%.0f", percentile(latency, 99)),
                   format("%.2f", percentile(rate, 50)), std::to_string(r.errors)});
        t.print_text(std::cout);
        if (r.errors) std::cout << "first error: " << r.first_error << "\n";
    }
    return r.errors ? 1 : 0;
}

}  // namespace bitnet::bench
