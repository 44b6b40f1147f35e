// SPDX-License-Identifier: MIT
// Each row follows the graph llama.cpp (bitnet.cpp's fork for the bitnet
// families) builds for that general.architecture; docs/architectures.md says
// where each choice comes from.
#include "bitnet/architecture.hpp"

#include <bitnet/kernel_plugin.h>

#include "bitnet/kernel_registry.hpp"

namespace bitnet::model {
namespace {

using kernels::op_bit;

constexpr uint64_t kBitnet25Ops = op_bit(BITNET_OP_ROPE_NEOX) | op_bit(BITNET_OP_RELU2_GATE);

constexpr Architecture kArchitectures[] = {
    {"bitnet-b1.58", "BitNet b1.58 (the 2B-4T graph)", true, FfnActivation::Relu2, RopeStyle::Neox, HeadTying::OutputOrTied,
     kBitnet25Ops},
    {"bitnet-25", "BitNet b1.58 (the 2B-4T graph)", true, FfnActivation::Relu2, RopeStyle::Neox, HeadTying::OutputOrTied,
     kBitnet25Ops},
    {"bitnet", "1bitLLM BitNet b1.58 (bitnet_b1_58-large, -3B)", true, FfnActivation::Silu, RopeStyle::Neox,
     HeadTying::Tied, op_bit(BITNET_OP_ROPE_NEOX) | op_bit(BITNET_OP_SILU_GATE)},
    {"llama", "Llama with ternary projections (Falcon3-1.58bit, Llama3-8B-1.58, TriLM)", false,
     FfnActivation::Silu, RopeStyle::Norm, HeadTying::OutputOrTied,
     op_bit(BITNET_OP_ROPE_NORM) | op_bit(BITNET_OP_SILU_GATE)},
};

}  // namespace

std::span<const Architecture> architectures() { return kArchitectures; }

const Architecture* find_architecture(std::string_view name) {
    for (const auto& a : kArchitectures)
        if (a.name == name) return &a;
    return nullptr;
}

std::string architecture_names() {
    std::string s;
    for (const auto& a : kArchitectures) s += (s.empty() ? "" : ", ") + std::string(a.name);
    return s;
}

}  // namespace bitnet::model
