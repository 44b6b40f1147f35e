// SPDX-License-Identifier: MIT
#include "convert.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <set>
#include <vector>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/gguf_model_keys.hpp"
#include "bitnet/gguf_writer.hpp"
#include "bitnet/hub.hpp"
#include "convert/checkpoint_vocab.hpp"
#include "convert/hf_config.hpp"
#include "convert/safetensors.hpp"
#include "convert/ternarize.hpp"

namespace bitnet::model_tool {

namespace {

namespace fs = std::filesystem;

constexpr uint32_t kTypeF32 = 0, kTypeF16 = 1, kTypeI2S = 36;

enum class Kind { Ternary, Norm, Embedding };

// One GGUF tensor and the checkpoint tensor it comes from.
struct Planned {
    std::string gguf_name;
    std::string hf_name;
    Kind kind;
    std::vector<uint64_t> shape;  // HF order: [rows, K] or [n]
    const StTensor* src{nullptr};
};

std::string shape_text(const std::vector<uint64_t>& s) {
    std::string t = "[";
    for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
    return t + "]";
}

// bitnet.cpp's tensor order; HF names from the family's modeling code.
std::vector<Planned> plan_tensors(const gguf::BitnetHparams& hp, const HfFamily& family) {
    const std::string attn_sub = std::string(family.attn_sub_norm) + ".weight";
    const std::string ffn_sub = std::string(family.ffn_sub_norm) + ".weight";
    const uint64_t e = hp.n_embd, f = hp.n_ff, kv = uint64_t{hp.n_embd} / hp.n_head * hp.n_head_kv;
    std::vector<Planned> p;
    p.push_back({"token_embd.weight", "model.embed_tokens.weight", Kind::Embedding, {hp.n_vocab, e}});
    for (uint32_t l = 0; l < hp.n_layer; ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        const std::string hf = "model.layers." + std::to_string(l) + ".";
        p.push_back({blk + "attn_norm.weight", hf + "input_layernorm.weight", Kind::Norm, {e}});
        p.push_back({blk + "attn_q.weight", hf + "self_attn.q_proj.weight", Kind::Ternary, {e, e}});
        p.push_back({blk + "attn_k.weight", hf + "self_attn.k_proj.weight", Kind::Ternary, {kv, e}});
        p.push_back({blk + "attn_v.weight", hf + "self_attn.v_proj.weight", Kind::Ternary, {kv, e}});
        p.push_back({blk + "attn_sub_norm.weight", hf + attn_sub, Kind::Norm, {e}});
        p.push_back({blk + "attn_output.weight", hf + "self_attn.o_proj.weight", Kind::Ternary, {e, e}});
        p.push_back({blk + "ffn_norm.weight", hf + "post_attention_layernorm.weight", Kind::Norm, {e}});
        p.push_back({blk + "ffn_gate.weight", hf + "mlp.gate_proj.weight", Kind::Ternary, {f, e}});
        p.push_back({blk + "ffn_up.weight", hf + "mlp.up_proj.weight", Kind::Ternary, {f, e}});
        p.push_back({blk + "ffn_sub_norm.weight", hf + ffn_sub, Kind::Norm, {f}});
        p.push_back({blk + "ffn_down.weight", hf + "mlp.down_proj.weight", Kind::Ternary, {e, f}});
    }
    p.push_back({"output_norm.weight", "model.norm.weight", Kind::Norm, {e}});
    return p;
}

bool ignorable(const std::string& name) {
    // The head is tied to the embedding (checked in convert_checkpoint); inverse
    // frequencies are recomputed from rope_theta.
    return name == "lm_head.weight" || name.ends_with(".rotary_emb.inv_freq");
}

// With tie_word_embeddings false, an lm_head is dropped only when it holds the
// embedding's bytes: both families' graphs read the head from token_embd.
void check_head_is_tied(const std::map<std::string, const StTensor*>& by_name, const std::string& dir) {
    const auto head = by_name.find("lm_head.weight");
    if (head == by_name.end()) return;
    const StTensor& h = *head->second;
    const StTensor& e = *by_name.at("model.embed_tokens.weight");
    if (h.dtype != e.dtype || h.shape != e.shape || h.n_bytes != e.n_bytes || std::memcmp(h.data, e.data, h.n_bytes))
        throw Error(dir + ": lm_head.weight differs from model.embed_tokens.weight, but this graph (as bitnet.cpp's) "
                          "reads its output head from the token embedding");
}

std::vector<std::unique_ptr<SafetensorsFile>> open_checkpoint(const fs::path& dir,
                                                              std::map<std::string, const StTensor*>& by_name) {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".safetensors") paths.push_back(entry.path());
    if (paths.empty()) throw Error(dir.string() + ": no *.safetensors files");
    std::sort(paths.begin(), paths.end());
    std::vector<std::unique_ptr<SafetensorsFile>> files;
    for (const fs::path& p : paths) {
        files.push_back(std::make_unique<SafetensorsFile>(p));
        for (const StTensor& t : files.back()->tensors())
            if (!by_name.emplace(t.name, &t).second)
                throw Error(p.string() + ": tensor " + t.name + " is also in another safetensors file");
    }
    return files;
}

void check_source(const Planned& t) {
    if (t.src->dtype == "U8" || t.src->dtype == "I8")
        throw Error("tensor " + t.hf_name + " is " + t.src->dtype +
                    ": this checkpoint holds pre-packed ternary weights (like microsoft/bitnet-b1.58-2B-4T); "
                    "convert the BF16 master weights (microsoft/bitnet-b1.58-2B-4T-bf16) instead");
    if (t.src->dtype != "F32" && t.src->dtype != "F16" && t.src->dtype != "BF16")
        throw Error("tensor " + t.hf_name + " has dtype " + t.src->dtype + "; only F32, F16 and BF16 convert");
    if (t.src->shape != t.shape)
        throw Error("tensor " + t.hf_name + " has shape " + shape_text(t.src->shape) + ", config.json implies " +
                    shape_text(t.shape));
}

void add_tensor(gguf::GgufWriter& w, const Planned& t, uint64_t& n_ternary) {
    const StTensor* src = t.src;
    if (t.kind == Kind::Ternary) {
        ++n_ternary;
        const uint64_t rows = t.shape[0], k = t.shape[1];
        w.add_generated_tensor(t.gguf_name, {k, rows}, kTypeI2S, gguf::i2s_bytes(rows, k),
                               [src, rows, k](const gguf::GgufWriter::ByteSink& out) {
                                   std::vector<float> f(rows * k);
                                   st_to_f32(*src, f.data());
                                   std::vector<int8_t> q(rows * k);
                                   const float scale = ternarize_absmean(f.data(), f.size(), q.data());
                                   const auto packed = gguf::pack_i2s(q.data(), rows, k, scale);
                                   out(packed.data(), packed.size());
                               });
    } else if (t.kind == Kind::Norm) {
        const uint64_t n = t.shape[0];
        w.add_generated_tensor(t.gguf_name, {n}, kTypeF32, n * 4, [src, n](const gguf::GgufWriter::ByteSink& out) {
            std::vector<float> f(n);
            st_to_f32(*src, f.data());
            out(reinterpret_cast<const uint8_t*>(f.data()), n * 4);
        });
    } else {
        const uint64_t rows = t.shape[0], e = t.shape[1];
        w.add_generated_tensor(t.gguf_name, {e, rows}, kTypeF16, rows * e * 2,
                               [src, rows, e](const gguf::GgufWriter::ByteSink& out) {
                                   if (src->dtype == "F16") {  // already the file's type: bits unchanged
                                       out(src->data, src->n_bytes);
                                       return;
                                   }
                                   // A few rows at a time: the 2B-4T embedding is 1.3 GB as f32.
                                   constexpr uint64_t kRows = 256;
                                   StTensor part = *src;
                                   std::vector<float> f;
                                   std::vector<uint16_t> h;
                                   const uint64_t esize = st_dtype_size(src->dtype);
                                   for (uint64_t r = 0; r < rows; r += kRows) {
                                       const uint64_t n = std::min(kRows, rows - r);
                                       part.shape = {n, e};
                                       part.data = src->data + r * e * esize;
                                       part.n_bytes = n * e * esize;
                                       f.resize(n * e);
                                       h.resize(n * e);
                                       st_to_f32(part, f.data());
                                       for (size_t i = 0; i < f.size(); ++i) h[i] = f32_to_f16(f[i]);
                                       out(reinterpret_cast<const uint8_t*>(h.data()), h.size() * 2);
                                   }
                               });
    }
}

// The directory's name, or the repository's for a snapshot pulled into the model
// cache (<cache>/<owner>/<name>/<revision>), whose own name is only a revision.
std::string default_name(const fs::path& dir) {
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    try {
        const fs::path cache = fs::absolute(hub::default_cache_dir()).lexically_normal();
        if (p.parent_path().parent_path().parent_path() == cache) return p.parent_path().filename().string();
    } catch (const Error&) {
        // No cache directory is configured: then dir cannot be in it.
    }
    return p.filename().string();
}

}  // namespace

ConvertSummary convert_checkpoint(const ConvertOptions& opt, std::ostream& log) {
    const fs::path dir(opt.dir);
    if (!fs::is_directory(dir)) throw Error(opt.dir + ": not a directory");
    if (!fs::exists(dir / "config.json"))
        throw Error(opt.dir + ": no config.json, so not a Hugging Face checkpoint directory");
    const HfConfig config = read_hf_config(dir / "config.json");
    const gguf::BitnetHparams& hp = config.hp;
    std::string vocab_source;
    const tokenizer::Vocabulary vocab = read_checkpoint_vocabulary(dir, config, vocab_source);

    std::map<std::string, const StTensor*> by_name;
    const auto files = open_checkpoint(dir, by_name);
    std::vector<Planned> plan = plan_tensors(hp, *config.family);
    std::set<std::string> used;
    for (Planned& t : plan) {
        const auto it = by_name.find(t.hf_name);
        if (it == by_name.end()) throw Error(opt.dir + ": the checkpoint has no tensor " + t.hf_name);
        t.src = it->second;
        check_source(t);
        used.insert(t.hf_name);
    }
    std::vector<std::string> unknown;
    for (const auto& [name, t] : by_name)
        if (!used.count(name) && !ignorable(name)) unknown.push_back(name);
    if (!unknown.empty()) {
        std::string list;
        for (size_t i = 0; i < unknown.size() && i < 5; ++i) list += (i ? ", " : "") + unknown[i];
        if (unknown.size() > 5) list += ", ...";
        throw Error(opt.dir + ": " + std::to_string(unknown.size()) + " tensors are not part of " +
                    config.architecture + " (" + list + ")");
    }
    if (!config.tie_word_embeddings) check_head_is_tied(by_name, opt.dir);

    gguf::GgufWriter w;
    gguf::set_bitnet_hparams(w, hp);
    if (hp.arch == "bitnet") {
        // llama.cpp's BitnetModel converter writes these (a no-op scaling).
        w.set_string("bitnet.rope.scaling.type", "linear");
        w.set_f32("bitnet.rope.scaling.factor", 1.0f);
    }
    w.set_string("general.name", opt.name.empty() ? default_name(dir) : opt.name);
    gguf::set_tokenizer_keys(w, vocab);
    ConvertSummary s;
    for (const Planned& t : plan) add_tensor(w, t, s.n_ternary);

    log << "converting " << opt.dir << ": " << hp.n_layer << " layers, hidden " << hp.n_embd << ", FFN " << hp.n_ff
        << ", " << hp.n_head << " heads (" << hp.n_head_kv << " KV), vocab " << hp.n_vocab << " from "
        << vocab_source << "; " << plan.size() << " tensors (" << s.n_ternary << " ternary)\n"
        << std::flush;
    w.write(opt.out);
    const gguf::GgufFile check(opt.out);  // what we wrote must load
    s.n_tensors = check.tensors().size();
    s.file_bytes = check.file_size();
    log << "wrote " << opt.out << " (" << s.file_bytes << " bytes)\n";
    return s;
}

}  // namespace bitnet::model_tool
