// SPDX-License-Identifier: MIT
// Command line of bitnet-server, parsed with Boost.Program_options.
#pragma once

#include <cstdint>
#include <string>

#include "bitnet/engine.hpp"

namespace bitnet::server {

struct ServerOptions {
    EngineOptions engine;
    std::string host{"127.0.0.1"};
    uint16_t port{8080};       // 0: any free port (printed on the first line of stdout)
    std::string api_key;       // empty: no authentication (else --api-key or BITNET_API_KEY)
    int parallel{1};           // slots: requests generating at once
    int64_t ctx_size{0};       // per slot; 0: the model's context
    size_t max_queue{64};      // requests waiting for a slot before 503
    int timeout_s{30};         // reading one request, headers and body
    int drain_timeout_s{30};   // SIGTERM: how long running requests may still take
    std::string receipt_dir;   // one run receipt per request when set
    bool show_help{false};
    std::string help_text;
};

// Throws bitnet::Error with a one-line message on an unknown option or a bad value.
ServerOptions parse_server_options(int argc, char** argv);

}  // namespace bitnet::server
