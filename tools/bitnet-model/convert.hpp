// SPDX-License-Identifier: MIT
// `bitnet-model convert`: a Hugging Face BitNetForCausalLM checkpoint directory
// (config.json, *.safetensors, tokenizer.json or tokenizer.model) to a
// bitnet-b1.58 GGUF: I2_S projections ternarised by absmean, F16 token
// embedding (also the output head), F32 norms.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

namespace bitnet::model_tool {

struct ConvertOptions {
    std::string dir;
    std::string out;
    std::string name;  // general.name; empty: the directory's name
};

struct ConvertSummary {
    uint64_t n_tensors{0}, n_ternary{0};
    uint64_t file_bytes{0};
};

// Writes opt.out (through opt.out + ".part", so a failed conversion leaves no
// GGUF behind) and reports progress on log. Throws bitnet::Error.
ConvertSummary convert_checkpoint(const ConvertOptions& opt, std::ostream& log);

}  // namespace bitnet::model_tool
