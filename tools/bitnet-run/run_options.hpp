// SPDX-License-Identifier: MIT
// Command line of bitnet-run, parsed with Boost.Program_options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"

namespace bitnet::cli {

struct RunOptions {
    EngineOptions engine;
    GenerateOptions generate;
    std::string prompt;
    int64_t n_ctx{0};
    bool list_backends{false};
    bool verbose{false};
    bool show_help{false};
    std::string help_text;
    std::string dump_logits_path;
    std::string receipt_path;
    std::string pre_tokenizer;   // "" = what the file implies
    bool parse_special{true};
    bool chat{false};
    std::string system_prompt;
    bool seed_given{false};
};

// Throws bitnet::Error with a one-line message on an unknown option or a bad value.
RunOptions parse_run_options(int argc, char** argv);

}  // namespace bitnet::cli
