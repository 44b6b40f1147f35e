// SPDX-License-Identifier: MIT
// bitnet-run, greedy on one prompt, over a converted file and over the same
// model written straight to GGUF: the convert tests compare the two runs'
// tokens and first-step logits (dumped to dir/a.f32 and dir/b.f32).
#pragma once

#include <filesystem>
#include <string>

#include "run_command.hpp"

namespace bitnet::test {

inline constexpr const char* kGreedyPrompt = "the wind on the water";

struct GreedyPair {
    CommandResult converted, reference;
};

inline GreedyPair greedy_pair(const std::filesystem::path& dir, const std::string& converted,
                              const std::string& reference, int n_tokens) {
    const std::string run = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
    auto one = [&](const std::string& model, const char* logits) {
        return run_command(run,
                           {"-m", model, "--dump-logits", (dir / logits).string(), "-p", kGreedyPrompt, "--temp", "0",
                            "-n", std::to_string(n_tokens), "--ignore-eos", "-t", "1"},
                           {"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="});
    };
    GreedyPair p{one(converted, "a.f32"), {}};
    p.reference = one(reference, "b.f32");
    return p;
}

}  // namespace bitnet::test
