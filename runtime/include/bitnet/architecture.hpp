// SPDX-License-Identifier: MIT
// The transformer families this runtime runs, as data: one row per GGUF
// general.architecture, read by the loader and the one forward pass. A new
// family is a row here (and tests), not a new path through the layers.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bitnet::model {

enum class FfnActivation { Relu2, Silu };  // gate(x) in act(gate) * up
enum class RopeStyle { Neox, Norm };       // rotated pairs (i, i + n_rot/2) or (2i, 2i + 1)
enum class HeadTying {
    OutputOrTied,  // output.weight when the file has one, else token_embd
    Tied,          // always token_embd; a file with output.weight is refused
};

struct Architecture {
    std::string_view name;    // general.architecture
    std::string_view family;  // what users call such models
    bool sub_norms;           // attn_sub_norm before attn_output, ffn_sub_norm before ffn_down
    FfnActivation activation;
    RopeStyle rope;
    HeadTying head;
    uint64_t ops;  // kernel ops (kernels::op_bit) the forward pass needs beyond the shared ones
};

std::span<const Architecture> architectures();
// nullptr when this runtime does not run the architecture.
const Architecture* find_architecture(std::string_view name);
// "bitnet-b1.58, bitnet-25, bitnet, llama": for error messages.
std::string architecture_names();

}  // namespace bitnet::model
