// SPDX-License-Identifier: MIT
#include "bitnet/model.hpp"
#include "bitnet/block_input.hpp"
#include "bitnet/dense_types.hpp"
#include "bitnet/ternary_blocks.hpp"

#include <cmath>
#include <cstring>

#include "bitnet/dispatch.hpp"
#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"

namespace bitnet::model {
namespace {

std::string shape_string(const std::vector<uint64_t>& ne) {
    std::string s = "[";
    for (size_t i = 0; i < ne.size(); ++i) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "]";
}

}  // namespace

Model::Model(const std::string& path, const LoadOptions& load) : file_(std::make_unique<gguf::GgufFile>(path)) {
    read_config();
    head_blocks_allowed_ = !load.head_stays_mapped;
    if (load.copy_weights) {
        const std::string head = file_->find_tensor("output.weight") ? "output.weight" : "token_embd.weight";
        file_->copy_to_memory([&](const gguf::TensorInfo& t) { return !(load.head_stays_mapped && t.name == head); },
                              load.threads);
    }
    bind_weights();
}

Model::~Model() = default;

void Model::read_config() {
    const auto& f = *file_;
    auto& c = config_;
    c.architecture = f.get_string("general.architecture");
    c.traits = find_architecture(c.architecture);
    if (!c.traits)
        f.fail("unsupported architecture '" + c.architecture + "' (this runtime runs " + architecture_names() + ")");
    const std::string a = c.architecture + ".";
    auto get = [&](const char* key) { return static_cast<int64_t>(f.get_uint(a + key)); };
    c.n_ctx_train = get("context_length");
    c.n_embd = get("embedding_length");
    c.n_layer = get("block_count");
    c.n_ff = get("feed_forward_length");
    c.n_head = get("attention.head_count");
    c.n_head_kv = f.has(a + "attention.head_count_kv") ? get("attention.head_count_kv") : c.n_head;
    c.norm_eps = static_cast<float>(f.get_float(a + "attention.layer_norm_rms_epsilon"));
    c.rope_freq_base = f.has(a + "rope.freq_base") ? static_cast<float>(f.get_float(a + "rope.freq_base")) : 10000.0f;

    auto check = [&](bool ok, const std::string& what) {
        if (!ok) f.fail("invalid hyper-parameters: " + what);
    };
    check(c.n_embd > 0 && c.n_embd <= (1 << 16), "embedding_length " + std::to_string(c.n_embd));
    check(c.n_layer > 0 && c.n_layer <= 1024, "block_count " + std::to_string(c.n_layer));
    check(c.n_ff > 0 && c.n_ff <= (1 << 18), "feed_forward_length " + std::to_string(c.n_ff));
    check(c.n_ctx_train > 0 && c.n_ctx_train <= (1 << 22), "context_length " + std::to_string(c.n_ctx_train));
    check(c.n_head > 0 && c.n_embd % c.n_head == 0, "head_count " + std::to_string(c.n_head) +
                                                         " does not divide embedding_length");
    check(c.n_head_kv > 0 && c.n_head % c.n_head_kv == 0,
          "head_count_kv " + std::to_string(c.n_head_kv) + " does not divide head_count");
    c.head_dim = c.n_embd / c.n_head;
    c.n_rot = f.has(a + "rope.dimension_count") ? static_cast<int64_t>(f.get_uint(a + "rope.dimension_count"))
                                                 : c.head_dim;
    check(c.n_rot > 0 && c.n_rot <= c.head_dim && c.n_rot % 2 == 0,
          "rope.dimension_count " + std::to_string(c.n_rot));
    check(std::isfinite(c.norm_eps) && c.norm_eps > 0, "layer_norm_rms_epsilon");
    check(std::isfinite(c.rope_freq_base) && c.rope_freq_base > 0, "rope.freq_base");
    // Keys that change the graph in ways no row of architecture.hpp implements:
    // refused by name rather than run wrong.
    if (f.has(a + "attention.key_length") && static_cast<int64_t>(f.get_uint(a + "attention.key_length")) != c.head_dim)
        f.fail("attention.key_length " + std::to_string(f.get_uint(a + "attention.key_length")) +
               " differs from embedding_length / head_count " + std::to_string(c.head_dim) + " (not supported)");
    // llama.cpp's bitnet converter writes linear scaling by 1, which changes nothing.
    if (f.has(a + "rope.scaling.type")) {
        const std::string type = f.get_string(a + "rope.scaling.type");
        const double factor = f.has(a + "rope.scaling.factor") ? f.get_float(a + "rope.scaling.factor") : 1.0;
        if (type != "none" && !(type == "linear" && factor == 1.0))
            f.fail("rope.scaling.type '" + type + "'" + (type == "linear" ? " with factor " + std::to_string(factor) : "") +
                   " is not supported");
    }
    if (f.find_tensor("rope_freqs.weight")) f.fail("tensor rope_freqs.weight (Llama 3.1 RoPE scaling) is not supported");
    // bitnet.cpp's loader multiplies a projection's output by an optional
    // <name>.scale tensor; ignoring one would run a different model.
    for (const auto& t : f.tensors())
        if (t.name.size() > 6 && t.name.ends_with(".scale"))
            f.fail("tensor " + t.name + ": separate projection scales are not supported (requantize to I2_S)");

    const auto& embd = f.tensor("token_embd.weight");
    if (embd.ne.size() != 2) f.fail("tensor token_embd.weight: expected 2 dimensions");
    c.n_vocab = static_cast<int64_t>(embd.ne[1]);
    if (f.has(a + "vocab_size") && static_cast<int64_t>(f.get_uint(a + "vocab_size")) != c.n_vocab)
        f.fail("vocab_size " + std::to_string(f.get_uint(a + "vocab_size")) + " disagrees with token_embd.weight rows " +
               std::to_string(c.n_vocab));
}

void Model::bind_weights() {
    const auto& f = *file_;
    const auto& c = config_;
    auto expect = [&](const std::string& name, gguf::TensorType type,
                      std::vector<uint64_t> ne) -> const gguf::TensorInfo& {
        const auto& t = f.tensor(name);
        if (t.type != type)
            f.fail("tensor " + name + ": type " + gguf::ggml_type_name(static_cast<uint32_t>(t.type)) +
                   ", expected " + gguf::ggml_type_name(static_cast<uint32_t>(type)));
        while (t.ne.size() > ne.size() && ne.size() < 4) ne.push_back(1);
        if (t.ne != ne) f.fail("tensor " + name + ": shape " + shape_string(t.ne) + ", expected " + shape_string(ne));
        return t;
    };
    auto norm = [&](const std::string& name, int64_t n) {
        return reinterpret_cast<const float*>(expect(name, gguf::TensorType::F32, {uint64_t(n)}).data);
    };
    auto ternary = [&](const std::string& name, int64_t k, int64_t rows) {
        const auto type = f.tensor(name).type;
        const auto& t = expect(name, gguf::is_tq(type) ? type : gguf::TensorType::I2_S, {uint64_t(k), uint64_t(rows)});
        const uint8_t* data = t.data;
        const float* block_scale = nullptr;
        if (gguf::is_tq(type)) {
            // Kernels take I2_S codes: a TQ tensor becomes a packed I2_S copy, once,
            // with its blocks' scales beside it when they differ.
            gguf::TqRepack repack;
            try {
                repack = gguf::tq_to_i2s(type, t.data, rows, k);
            } catch (const Error& e) {
                f.fail("tensor " + name + ": " + e.what());
            }
            repacked_.push_back(std::move(repack.i2s));
            data = repacked_.back().data();
            repacked_bytes_ += repacked_.back().size();
            if (!repack.block_scales.empty()) {
                block_scales_.push_back(std::move(repack.block_scales));
                block_scale = block_scales_.back().data();
                repacked_bytes_ += block_scales_.back().size() * sizeof(float);
                if (first_block_scaled_.empty()) first_block_scaled_ = name;
            }
        }
        TernaryWeight w;
        w.name = name;
        w.gemv.struct_size = sizeof(bitnet_kp_i2s_weights);
        w.gemv.data = data;
        w.gemv.rows = rows;
        w.gemv.k = k;
        std::memcpy(&w.gemv.scale, data + rows * k / 4, sizeof(float));
        if (!std::isfinite(w.gemv.scale)) f.fail("tensor " + name + ": weight scale is not finite");
        w.gemm = w.gemv;
        w.few = w.gemv;
        w.block_scale = block_scale;
        return w;
    };

    auto dense = [&](const std::string& name) {
        const auto type = f.tensor(name).type;
        if (!gguf::is_dense(type))
            f.fail("tensor " + name + ": type " + gguf::ggml_type_name(static_cast<uint32_t>(type)) +
                   ", expected F32, F16, BF16, Q8_0 or Q6_K");
        const auto& t = expect(name, type, {uint64_t(c.n_embd), uint64_t(c.n_vocab)});
        return DenseTensor{name, type, t.data, gguf::dense_row_bytes(type, c.n_embd)};
    };
    embd_ = dense("token_embd.weight");
    token_embd_ = embd_.type == gguf::TensorType::F16 ? reinterpret_cast<const uint16_t*>(embd_.data) : nullptr;
    if (c.arch().head == HeadTying::Tied && f.find_tensor("output.weight"))
        f.fail("tensor output.weight: architecture " + c.architecture + " ties the head to token_embd.weight");
    head_ = f.find_tensor("output.weight") ? dense("output.weight") : embd_;
    convert_head();
    output_norm_ = norm("output_norm.weight", c.n_embd);

    layers_.resize(static_cast<size_t>(c.n_layer));
    for (int64_t i = 0; i < c.n_layer; ++i) {
        const std::string p = "blk." + std::to_string(i) + ".";
        auto& l = layers_[static_cast<size_t>(i)];
        l.attn_norm = norm(p + "attn_norm.weight", c.n_embd);
        l.ffn_norm = norm(p + "ffn_norm.weight", c.n_embd);
        if (c.arch().sub_norms) {
            l.attn_sub_norm = norm(p + "attn_sub_norm.weight", c.n_embd);
            l.ffn_sub_norm = norm(p + "ffn_sub_norm.weight", c.n_ff);
        }
        l.wq = ternary(p + "attn_q.weight", c.n_embd, c.n_embd);
        l.wk = ternary(p + "attn_k.weight", c.n_embd, c.kv_dim());
        l.wv = ternary(p + "attn_v.weight", c.n_embd, c.kv_dim());
        l.wo = ternary(p + "attn_output.weight", c.n_embd, c.n_embd);
        l.w_gate = ternary(p + "ffn_gate.weight", c.n_embd, c.n_ff);
        l.w_up = ternary(p + "ffn_up.weight", c.n_embd, c.n_ff);
        l.w_down = ternary(p + "ffn_down.weight", c.n_ff, c.n_embd);
    }
}

void Model::convert_head() {
    if (head_.type == gguf::TensorType::F16) {
        output_ = reinterpret_cast<const uint16_t*>(head_.data);
        return;
    }
    // Q8_0 and Q6_K run on their own blocks (Q8_0_MATMUL / Q6_K_MATMUL), as
    // llama.cpp runs them, unless the int8 head is made from F16 rows.
    if (head_blocks_allowed_ && gguf::has_block_input(head_.type)) return;
    // The F16 head kernel reads F16: other types are converted once, exactly for
    // BF16 in F16's normal range, with one rounding for F32 and Q8_0/Q6_K.
    const int64_t rows = config_.n_vocab, k = config_.n_embd;
    head_f16_.resize(static_cast<size_t>(rows * k));
    std::vector<float> row(static_cast<size_t>(k));
    for (int64_t r = 0; r < rows; ++r) {
        gguf::dequantize_row(head_.type, head_.data + static_cast<uint64_t>(r) * head_.row_bytes, row.data(), k);
        uint16_t* dst = head_f16_.data() + r * k;
        for (int64_t i = 0; i < k; ++i) {
            if (!(std::fabs(row[i]) <= 65504.0f))
                file_->fail("tensor " + head_.name + ": row " + std::to_string(r) + " holds " + std::to_string(row[i]) +
                            ", outside F16's range (the head runs in F16)");
            dst[i] = f32_to_f16(row[i]);
        }
    }
    output_ = head_f16_.data();
    repacked_bytes_ += head_f16_.size() * sizeof(uint16_t);
}

bitnet_kp_op Model::head_op() const {
    if (has_head_q8()) return BITNET_OP_Q8_MATMUL;
    if (!head_in_blocks()) return BITNET_OP_F16_MATMUL;
    return head_.type == gguf::TensorType::Q8_0 ? BITNET_OP_Q8_0_MATMUL : BITNET_OP_Q6_K_MATMUL;
}

void Model::embed_rows(const int32_t* ids, int64_t n, float* out) const {
    const int64_t k = config_.n_embd;
    for (int64_t t = 0; t < n; ++t)
        gguf::dequantize_row(embd_.type, embd_.data + static_cast<uint64_t>(ids[t]) * embd_.row_bytes, out + t * k, k);
}

void Model::prepare_weights(const kernels::Dispatcher& dispatcher) {
    const bitnet_kp_kernel* gemv = dispatcher.selected(BITNET_OP_I2S_GEMV).kernel;
    const bitnet_kp_kernel* gemm = dispatcher.selected(BITNET_OP_I2S_GEMM).kernel;
    const bitnet_kp_kernel* few = dispatcher.selected(BITNET_OP_I2S_GEMM_FEW).kernel;
    auto pack = [&](bitnet_kp_i2s_weights& w, const bitnet_kp_kernel* k) -> const void* {
        if (!k->pack) return nullptr;
        size_t size = k->packed_size(w.rows, w.k);
        auto buf = std::make_unique<uint8_t[]>(size);
        bitnet_kp_i2s_weights src = w;
        src.packed = nullptr;
        if (k->pack(&src, buf.get(), size) != BITNET_KP_OK)
            throw Error(std::string("kernel ") + k->id + " failed to pack a " + std::to_string(w.rows) + "x" +
                        std::to_string(w.k) + " weight");
        packed_bytes_ += size;
        packed_.push_back(std::move(buf));
        return packed_.back().get();
    };
    packed_.clear();
    packed_bytes_ = 0;
    for (auto& l : layers_)
        for (TernaryWeight* w : {&l.wq, &l.wk, &l.wv, &l.wo, &l.w_gate, &l.w_up, &l.w_down}) {
            if (w->block_scale) continue;  // I2S_BLOCK_MATMUL reads the repacked codes as they are
            w->gemv.packed = pack(w->gemv, gemv);
            // One packed copy serves both ops when they share the packing routine.
            w->gemm.packed = (gemm->pack && gemm->pack == gemv->pack) ? w->gemv.packed : pack(w->gemm, gemm);
            if (!few) continue;
            if (few->pack && few->pack == gemv->pack)
                w->few.packed = w->gemv.packed;
            else if (few->pack && few->pack == gemm->pack)
                w->few.packed = w->gemm.packed;
            else
                w->few.packed = pack(w->few, few);
        }
}

}  // namespace bitnet::model
