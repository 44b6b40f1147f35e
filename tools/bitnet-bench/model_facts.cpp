// SPDX-License-Identifier: MIT
#include "model_facts.hpp"

#include <cctype>

#include "bitnet/gguf.hpp"
#include "bitnet/model.hpp"

namespace bitnet::bench {

ModelFacts model_facts(const model::Model& model, bool head_q8) {
    const auto& file = model.file();
    const auto& c = model.config();
    ModelFacts f;
    f.path = file.path();
    f.name = file.has("general.name") ? file.get_string("general.name") : "";
    f.architecture = c.architecture;
    f.file_bytes = file.file_size();
    f.n_layer = c.n_layer;
    f.n_embd = c.n_embd;
    f.n_vocab = c.n_vocab;
    for (const auto& t : file.tensors()) {
        f.params += t.n_elements();
        if (t.type == gguf::TensorType::I2_S) f.decode.ternary += t.n_bytes;
        // TQ1_0/TQ2_0 run from their I2_S repack: 2 bits a weight.
        if (t.type == gguf::TensorType::TQ1_0 || t.type == gguf::TensorType::TQ2_0)
            f.decode.ternary += t.n_elements() / 4;
        // Norm vectors only: an F32 embedding or head is not read whole per token.
        if (t.type == gguf::TensorType::F32 && t.name.ends_with("norm.weight")) f.decode.norms += t.n_bytes;
    }
    const uint64_t head_elements = static_cast<uint64_t>(c.n_vocab) * static_cast<uint64_t>(c.n_embd);
    // int8 weights plus one float scale and one int32 sum per row (Model::prepare_head_q8);
    // a Q8_0 or Q6_K head's own blocks; else F16 rows (the file's or a converted copy).
    f.decode.head = head_q8                 ? head_elements + static_cast<uint64_t>(c.n_vocab) * 8
                    : model.head_in_blocks() ? model.head_source().row_bytes * static_cast<uint64_t>(c.n_vocab)
                                             : head_elements * 2;
    f.head_run = head_q8 ? "q8" : "f16";
    if (model.head_in_blocks()) {  // the block type's own name: q8_0, q6_k
        f.head_run = gguf::ggml_type_name(static_cast<uint32_t>(model.head_source().type));
        for (char& ch : f.head_run) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    return f;
}

}  // namespace bitnet::bench
