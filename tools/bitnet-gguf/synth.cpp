// SPDX-License-Identifier: MIT
#include "synth.hpp"

#include <cmath>
#include <cstring>
#include <functional>
#include <memory>

#include "bitnet/architecture.hpp"
#include "bitnet/dense_types.hpp"
#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/gguf.hpp"
#include "bitnet/gguf_model_keys.hpp"
#include "bitnet/gguf_writer.hpp"
#include "bitnet/ternary_blocks.hpp"
#include "requant.hpp"
#include "synth_random.hpp"
#include "synth_vocab.hpp"

namespace bitnet::gguf_tool {

namespace {

constexpr uint32_t kTypeF32 = 0, kTypeF16 = 1, kTypeI2S = 36;

const Preset kPresets[] = {
    // name, layers, embd, ffn, heads, kv heads, vocab, ctx, rope dims, rope base, eps, arch, untied head
    {"2b-4t", 30, 2560, 6912, 20, 5, 128256, 4096, 128, 500000.0f, 1e-5f, "bitnet-b1.58", false},
    {"medium", 8, 2048, 5632, 16, 4, 32000, 2048, 128, 10000.0f, 1e-5f, "bitnet-b1.58", false},  // ~220 MB
    {"small", 4, 512, 1536, 8, 2, 1024, 1024, 64, 10000.0f, 1e-5f, "bitnet-b1.58", false},
    {"tiny", 2, 256, 768, 4, 2, 1024, 256, 64, 10000.0f, 1e-5f, "bitnet-b1.58", false},
    // The shapes of each family's Hugging Face config.json.
    {"bitnet-large", 24, 1536, 4096, 16, 16, 32002, 2048, 96, 10000.0f, 1e-5f, "bitnet", false},
    {"falcon3-1b", 18, 2048, 8192, 8, 4, 131072, 8192, 256, 1000042.0f, 1e-6f, "llama", true},
    {"llama3-8b", 32, 4096, 14336, 32, 8, 128256, 8192, 128, 500000.0f, 1e-5f, "llama", true},
};

// Adds tensors in the order bitnet.cpp writes them, each with its own random
// stream so a tensor's content does not depend on the others.
class ModelBuilder {
public:
    ModelBuilder(gguf::GgufWriter& w, uint64_t seed, std::optional<gguf::TensorType> tq, bool block_scales)
        : w_(w), seed_(seed), tq_(tq), block_scales_(block_scales) {}

    void ternary(const std::string& name, uint64_t k, uint64_t rows) {
        const uint64_t stream = next_stream();
        ++n_i2s;
        const uint64_t bytes = tq_ ? rows * (k / gguf::kTqBlock) * gguf::tq_block_bytes(*tq_) : gguf::i2s_bytes(rows, k);
        const uint32_t type = tq_ ? static_cast<uint32_t>(*tq_) : kTypeI2S;
        w_.add_generated_tensor(name, {k, rows}, type, bytes,
                                [this, stream, k, rows](const gguf::GgufWriter::ByteSink& out) {
                                    SynthRandom rng(seed_, stream);
                                    std::vector<int8_t> w(k * rows);
                                    rng.ternary(w.data(), w.size());
                                    // TQ blocks store the scale as f16 (I2_S files keep the f32,
                                    // which the pinned baseline model's sha256 depends on).
                                    const float scale =
                                        static_cast<float>((0.75 + 0.5 * rng.uniform()) / std::sqrt(double(k)));
                                    auto packed = tq_ ? gguf::encode_tq(*tq_, w.data(), rows, k, scale)
                                                      : gguf::pack_i2s(w.data(), rows, k, scale);
                                    if (block_scales_) vary_block_scales(packed, scale);
                                    out(packed.data(), packed.size());
                                });
    }

    void norm(const std::string& name, uint64_t n) {
        const uint64_t stream = next_stream();
        ++n_f32;
        w_.add_generated_tensor(name, {n}, kTypeF32, n * 4,
                                [this, stream, n](const gguf::GgufWriter::ByteSink& out) {
                                    SynthRandom rng(seed_, stream);
                                    std::vector<float> v(n);
                                    for (float& x : v) x = static_cast<float>(1.0 + 0.02 * rng.normal());
                                    out(reinterpret_cast<const uint8_t*>(v.data()), n * 4);
                                });
    }

    void embedding(const std::string& name, uint64_t n_embd, uint64_t n_vocab, gguf::TensorType type) {
        const uint64_t stream = next_stream();
        ++(type == gguf::TensorType::F16 ? n_f16 : type == gguf::TensorType::F32 ? n_f32 : n_quant);
        const uint64_t row_bytes = gguf::dense_row_bytes(type, static_cast<int64_t>(n_embd));
        w_.add_generated_tensor(name, {n_embd, n_vocab}, static_cast<uint32_t>(type), row_bytes * n_vocab,
                                [this, stream, n_embd, n_vocab, type, row_bytes](const gguf::GgufWriter::ByteSink& out) {
                                    SynthRandom rng(seed_, stream);
                                    std::vector<float> row(n_embd);
                                    std::vector<uint8_t> bytes(row_bytes);
                                    for (uint64_t r = 0; r < n_vocab; ++r) {
                                        for (float& v : row) v = static_cast<float>(0.02 * rng.normal());
                                        gguf::quantize_row(type, row.data(), bytes.data(), static_cast<int64_t>(n_embd));
                                        out(bytes.data(), bytes.size());
                                    }
                                });
    }

    uint64_t n_i2s{0}, n_f32{0}, n_f16{0}, n_quant{0};

private:
    uint64_t next_stream() { return stream_++; }
    gguf::GgufWriter& w_;
    uint64_t seed_;
    uint64_t stream_{0};
    std::optional<gguf::TensorType> tq_;
    bool block_scales_;

    // d of block b times 0.5, 0.75, 1, 1.25 or 1.5 by b % 5: what a TQ file
    // quantized per block (not from a BitNet checkpoint) looks like.
    void vary_block_scales(std::vector<uint8_t>& blocks, float scale) const {
        const uint64_t bb = gguf::tq_block_bytes(*tq_);
        for (uint64_t b = 0; b < blocks.size() / bb; ++b) {
            uint8_t* d = blocks.data() + b * bb + bb - 2;
            if (d[0] == 0 && d[1] == 0) continue;  // an all-zero block keeps d = 0
            const uint16_t h = f32_to_f16(scale * (0.5f + 0.25f * static_cast<float>(b % 5)));
            std::memcpy(d, &h, 2);
        }
    }
};

}  // namespace

gguf::TensorType parse_embedding_type(const std::string& name) {
    const std::pair<const char*, gguf::TensorType> types[] = {{"f32", gguf::TensorType::F32},
                                                              {"f16", gguf::TensorType::F16},
                                                              {"bf16", gguf::TensorType::BF16},
                                                              {"q8_0", gguf::TensorType::Q8_0},
                                                              {"q6_k", gguf::TensorType::Q6_K}};
    for (const auto& [n, t] : types)
        if (name == n) return t;
    throw Error("unknown embedding type '" + name + "' (types: f32, f16, bf16, q8_0, q6_k)");
}

Preset find_preset(const std::string& name) {
    std::string names;
    for (const Preset& p : kPresets) {
        if (p.name == name) return p;
        names += (names.empty() ? "" : ", ") + p.name;
    }
    throw Error("unknown preset '" + name + "' (presets: " + names + ")");
}

SynthSummary synth_model(const SynthOptions& opt) {
    Preset p = find_preset(opt.preset);
    if (opt.arch) p.arch = *opt.arch;
    const model::Architecture* arch = model::find_architecture(p.arch);
    if (!arch) throw Error("unknown architecture '" + p.arch + "' (architectures: " + model::architecture_names() + ")");
    p.untied_head = p.untied_head || opt.untied_head;
    if (arch->head == model::HeadTying::Tied && p.untied_head)
        throw Error("architecture " + p.arch + " ties the head to token_embd.weight (no --untied-head)");
    std::unique_ptr<gguf::GgufFile> vocab;
    if (opt.vocab) {
        vocab = std::make_unique<gguf::GgufFile>(*opt.vocab);
        if (!vocab->find("tokenizer.ggml.tokens")) vocab->fail("missing key tokenizer.ggml.tokens (no vocabulary to copy)");
        p.n_vocab = static_cast<uint32_t>(vocab->get_string_array("tokenizer.ggml.tokens").size());
    }

    gguf::GgufWriter w;
    gguf::set_bitnet_hparams(w, {p.arch, p.n_layer, p.n_embd, p.n_ff, p.n_head, p.n_head_kv, p.n_vocab, p.n_ctx, p.n_rot,
                                 p.rope_base, p.rms_eps});
    w.set_string("general.name", "synthetic-" + p.name);
    w.set_string("general.description",
                 "random ternary weights made by bitnet-gguf synth --preset " + p.name +
                     " --seed " + std::to_string(opt.seed) + "; not a trained model");
    if (vocab) {
        for (const auto& [key, value] : vocab->metadata())
            if (key.rfind("tokenizer.", 0) == 0) w.set_value(key, value);
    } else {
        set_vocab_keys(w, make_synth_vocab(p.n_vocab));
    }

    const uint64_t e = p.n_embd, f = p.n_ff, kv = uint64_t{p.n_embd} / p.n_head * p.n_head_kv;
    std::optional<gguf::TensorType> tq;
    if (opt.weight_type != "i2_s") tq = parse_tq_type(opt.weight_type);
    if (tq) w.set_u32("general.file_type", *tq == gguf::TensorType::TQ1_0 ? 36 : 37);
    if (opt.block_scales && !tq) throw Error("--block-scales needs --type tq1_0 or tq2_0 (I2_S has one scale)");
    ModelBuilder b(w, opt.seed, tq, opt.block_scales);
    const gguf::TensorType embd_type = parse_embedding_type(opt.embd_type);
    b.embedding("token_embd.weight", e, p.n_vocab, embd_type);
    for (uint32_t l = 0; l < p.n_layer; ++l) {
        const std::string blk = "blk." + std::to_string(l) + ".";
        b.norm(blk + "attn_norm.weight", e);
        b.ternary(blk + "attn_q.weight", e, e);
        b.ternary(blk + "attn_k.weight", e, kv);
        b.ternary(blk + "attn_v.weight", e, kv);
        if (arch->sub_norms) b.norm(blk + "attn_sub_norm.weight", e);
        b.ternary(blk + "attn_output.weight", e, e);
        b.norm(blk + "ffn_norm.weight", e);
        b.ternary(blk + "ffn_gate.weight", e, f);
        b.ternary(blk + "ffn_up.weight", e, f);
        if (arch->sub_norms) b.norm(blk + "ffn_sub_norm.weight", f);
        b.ternary(blk + "ffn_down.weight", f, e);
    }
    b.norm("output_norm.weight", e);
    if (p.untied_head) b.embedding("output.weight", e, p.n_vocab, parse_embedding_type(opt.head_type.value_or(opt.embd_type)));

    w.write(opt.out);
    gguf::GgufFile check(opt.out);  // what we wrote must load
    return {check.tensors().size(), b.n_i2s, b.n_f32, b.n_f16, b.n_quant, check.file_size(), p.n_vocab};
}

}  // namespace bitnet::gguf_tool
