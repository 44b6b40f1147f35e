// SPDX-License-Identifier: MIT
// `bitnet-gguf synth`: a genuine I2_S GGUF with random weights, of any family
// the runtime's architecture table lists.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf_tool {

struct Preset {
    std::string name;
    uint32_t n_layer, n_embd, n_ff, n_head, n_head_kv, n_vocab, n_ctx, n_rot;
    float rope_base, rms_eps;
    std::string arch;  // general.architecture
    bool untied_head;  // writes output.weight beside token_embd.weight
};

// "2b-4t" (BitNet b1.58 2B-4T's shapes), "medium", "small", "tiny", "bitnet-large"
// (1bitLLM bitnet_b1_58-large), "falcon3-1b" (Falcon3-1B-1.58bit) or "llama3-8b"
// (Llama3-8B-1.58-100B-tokens); throws bitnet::Error listing the names for any other.
Preset find_preset(const std::string& name);

struct SynthOptions {
    std::string preset;
    std::string out;
    uint64_t seed{1};
    std::optional<std::string> vocab;  // GGUF whose tokenizer.* keys are copied
    std::optional<std::string> arch;   // the preset's shapes under another family's graph
    bool untied_head{false};           // output.weight even where the preset ties the head
    std::string weight_type{"i2_s"};   // of the projections: i2_s, tq1_0 or tq2_0
    bool block_scales{false};          // TQ only: a different d per block
    std::string embd_type{"f16"};      // of token_embd: f32, f16, bf16, q8_0 or q6_k
    std::optional<std::string> head_type;  // of output.weight; embd_type when not given
};

// "f32", "f16", "bf16", "q8_0" or "q6_k" as a ggml type; throws bitnet::Error
// naming the choices for anything else.
gguf::TensorType parse_embedding_type(const std::string& name);

struct SynthSummary {
    uint64_t n_tensors, n_i2s, n_f32, n_f16, n_quant, file_bytes;  // n_quant: BF16, Q8_0, Q6_K
    uint32_t n_vocab;
};

// Writes the model, generating each tensor while it streams to disk (peak memory
// is about one tensor). Weights: ternary, -1/0/+1 equally likely, per-tensor
// scale near 1/sqrt(K); token_embd (and output) normal * 0.02 in their types; norms F32
// 1 + normal * 0.02. Sub-norm tensors only where the architecture has them.
SynthSummary synth_model(const SynthOptions& opt);

}  // namespace bitnet::gguf_tool
