// SPDX-License-Identifier: MIT
// Finds or makes the model a workload names: an explicit file, or the
// bitnet-gguf synth output cached under the model directory (made on first use
// with the bitnet-gguf next to this executable), then checked against the
// workload's size and SHA-256 pins so no other model can stand in for it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "workload.hpp"

namespace bitnet::bench {

struct ModelSource {
    std::string path;
    uint64_t size_bytes{0};
    std::string sha256;  // computed only when the workload pins one
};

// model_dir: where synthesised models are cached (--model-dir, else
// $BITNET_MODEL_CACHE, else $XDG_CACHE_HOME/bitnet-runtime/models, else
// ~/.cache/bitnet-runtime/models). Throws bitnet::Error on a mismatch.
ModelSource resolve_model(const Workload& workload, const std::optional<std::string>& explicit_model,
                          const std::optional<std::string>& model_dir);

}  // namespace bitnet::bench
