// SPDX-License-Identifier: MIT
// `bitnet-gguf requant`: rewrites a model's I2_S projections as llama.cpp's TQ1_0
// or TQ2_0 (the same ternary weights, the tensor scale as every block's f16 d),
// everything else byte for byte: how a file of llama.cpp's own ternary types is
// made here without llama.cpp.
#pragma once

#include <string>

#include "bitnet/gguf.hpp"

namespace bitnet::gguf_tool {

// "tq1_0" or "tq2_0"; throws bitnet::Error naming the choices otherwise.
gguf::TensorType parse_tq_type(const std::string& name);

// Returns the number of tensors rewritten. Throws bitnet::Error when a ternary
// tensor's row width is not a multiple of 256.
int requant_model(const std::string& in, const std::string& out, gguf::TensorType type);

}  // namespace bitnet::gguf_tool
