// SPDX-License-Identifier: MIT
#include "model_facts.hpp"

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
        if (t.type == gguf::TensorType::F32) f.decode.norms += t.n_bytes;
    }
    const uint64_t head_elements = static_cast<uint64_t>(c.n_vocab) * static_cast<uint64_t>(c.n_embd);
    // int8 weights plus one float scale and one int32 sum per row (Model::prepare_head_q8).
    f.decode.head = head_q8 ? head_elements + static_cast<uint64_t>(c.n_vocab) * 8 : head_elements * 2;
    return f;
}

}  // namespace bitnet::bench
