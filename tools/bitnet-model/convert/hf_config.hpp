// SPDX-License-Identifier: MIT
// config.json of a Hugging Face checkpoint, read into the hyper-parameters of a
// bitnet-b1.58 GGUF. Only BitNetForCausalLM converts; anything this runtime
// cannot run is refused here with the reason.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "bitnet/gguf_model_keys.hpp"

namespace bitnet::model_tool {

constexpr const char* kSupportedArchitecture = "BitNetForCausalLM";

struct HfConfig {
    std::string architecture;
    gguf::BitnetHparams hp;        // n_vocab is config's vocab_size
    std::optional<int64_t> bos_id, eos_id;
    bool tie_word_embeddings{true};
};

// Throws bitnet::Error("<path>: <what>") on a missing or wrong key, an
// unsupported architecture, or shapes the I2_S layout cannot hold.
HfConfig read_hf_config(const std::filesystem::path& path);

}  // namespace bitnet::model_tool
