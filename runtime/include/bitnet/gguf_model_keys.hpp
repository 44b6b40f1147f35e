// SPDX-License-Identifier: MIT
// The metadata of a ternary GGUF (any architecture.hpp row), written the one way every producer in
// this project writes it (synthetic models, converted checkpoints, tests), so
// files made by different tools differ only where their content does.
#pragma once

#include <cstdint>
#include <string>

#include "bitnet/gguf_writer.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet::gguf {

struct BitnetHparams {
    std::string arch{"bitnet-b1.58"};  // general.architecture and the prefix of every key below
    uint32_t n_layer{0}, n_embd{0}, n_ff{0}, n_head{0}, n_head_kv{0}, n_vocab{0}, n_ctx{0}, n_rot{0};
    float rope_base{10000.0f}, rms_eps{1e-5f};
};

// general.architecture hp.arch, general.file_type 40 (mostly I2_S),
// general.quantization_version 2, and <arch>.{vocab_size, context_length,
// embedding_length, block_count, feed_forward_length, attention.head_count,
// attention.head_count_kv, attention.layer_norm_rms_epsilon, rope.freq_base,
// rope.dimension_count}. general.name and the tensors are the caller's.
void set_bitnet_hparams(GgufWriter& w, const BitnetHparams& hp);

// tokenizer.ggml.* for v, the inverse of tokenizer::read_vocabulary: model,
// pre (when set), tokens, scores and token_type (when non-empty), merges (when
// non-empty), the special ids that are >= 0, add_bos_token / add_space_prefix
// (when set) and add_eos_token false.
void set_tokenizer_keys(GgufWriter& w, const tokenizer::Vocabulary& v);

}  // namespace bitnet::gguf
