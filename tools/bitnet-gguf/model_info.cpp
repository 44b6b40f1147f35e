// SPDX-License-Identifier: MIT
#include "model_info.hpp"

#include <map>

#include "bitnet/architecture.hpp"
#include "bitnet/error.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/model.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet::gguf_tool {
namespace {

std::string graph_of(const model::Architecture& a) {
    return std::string(a.sub_norms ? "sub-norms before attn_output and ffn_down" : "no sub-norms") + ", " +
           (a.activation == model::FfnActivation::Relu2 ? "squared-ReLU" : "SiLU") + "-gated FFN, " +
           (a.rope == model::RopeStyle::Neox ? "NEOX" : "normal (adjacent-pair)") + " RoPE";
}

std::string type_counts(const gguf::GgufFile& f) {
    std::map<std::string, int> n;
    for (const auto& t : f.tensors()) ++n[gguf::ggml_type_name(static_cast<uint32_t>(t.type))];
    std::string s;
    for (const auto& [name, count] : n) s += (s.empty() ? "" : ", ") + std::to_string(count) + " " + name;
    return s;
}

}  // namespace

bool print_model_info(const std::string& path, std::ostream& out) {
    const gguf::GgufFile f(path);
    const std::string arch = f.has("general.architecture") ? f.get_string("general.architecture") : "";
    out << "file: " << path << "\n";
    if (f.has("general.name")) out << "name: " << f.get_string("general.name") << "\n";
    const model::Architecture* a = model::find_architecture(arch);
    out << "architecture: " << (arch.empty() ? "(none)" : arch) << " ("
        << (a ? std::string(a->family) : "not a family this runtime runs: " + model::architecture_names()) << ")\n";
    if (a) out << "graph: " << graph_of(*a) << "\n";
    out << "tensors: " << (f.tensors().empty() ? "none" : type_counts(f)) << "\n";
    if (f.has("tokenizer.ggml.model"))
        out << "tokenizer: " << f.get_string("tokenizer.ggml.model")
            << (f.has("tokenizer.ggml.pre") ? ", pre " + f.get_string("tokenizer.ggml.pre") : "") << "\n";
    try {
        const model::Model m(path);
        const auto& c = m.config();
        out << "shapes: " << c.n_layer << " layers, embedding " << c.n_embd << ", feed-forward " << c.n_ff
            << ", heads " << c.n_head << "/" << c.n_head_kv << " (head_dim " << c.head_dim << "), vocab "
            << c.n_vocab << ", context " << c.n_ctx_train << "\n";
        const auto type_of = [](const model::DenseTensor& t) {
            return gguf::ggml_type_name(static_cast<uint32_t>(t.type));
        };
        out << "embedding: token_embd.weight (" << type_of(m.file_embedding()) << ")\n";
        out << "head: " << (m.head_tied() ? "tied to token_embd.weight" : "output.weight") << " ("
            << type_of(m.head_source()) << (m.head_converted()   ? ", converted to F16 at load"
                                          : m.head_in_blocks() ? ", run in its own blocks, input quantized as llama.cpp does"
                                                               : "") << ")\n";
        const auto tok = tokenizer::load_tokenizer(m.file());
        out << "runnable: yes (tokenizer " << tok->describe_rule() << ")\n";
        return true;
    } catch (const Error& e) {
        std::string why = e.what();
        if (why.rfind(path + ": ", 0) == 0) why = why.substr(path.size() + 2);
        out << "runnable: no (" << why << ")\n";
        return false;
    }
}

}  // namespace bitnet::gguf_tool
