// SPDX-License-Identifier: MIT
// config.json of a Hugging Face checkpoint, read into the hyper-parameters of a
// GGUF of the matching family. BitNetForCausalLM (2B-4T) and BitnetForCausalLM
// (1bitLLM) convert; anything this runtime cannot run is refused here with the
// reason.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "bitnet/gguf_model_keys.hpp"

namespace bitnet::model_tool {

// One convertible Hugging Face architecture: its GGUF family and the names and
// activation that differ between the two BitNet checkpoints' modeling code.
struct HfFamily {
    const char* hf_architecture;
    const char* gguf_architecture;
    const char* hidden_act;
    const char* attn_sub_norm;  // under model.layers.N.
    const char* ffn_sub_norm;
    const char* example;        // a checkpoint of this family, for messages
};

// "BitNetForCausalLM (...), BitnetForCausalLM (...)" for messages.
std::string supported_architectures();

struct HfConfig {
    std::string architecture;
    const HfFamily* family{nullptr};
    gguf::BitnetHparams hp;        // n_vocab is config's vocab_size
    std::optional<int64_t> bos_id, eos_id;
    bool tie_word_embeddings{true};
};

// Throws bitnet::Error("<path>: <what>") on a missing or wrong key, an
// unsupported architecture, or shapes the I2_S layout cannot hold.
HfConfig read_hf_config(const std::filesystem::path& path);

}  // namespace bitnet::model_tool
