// SPDX-License-Identifier: MIT
#include "bitnet/session.hpp"

#include <sys/sysinfo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "bitnet/block_input.hpp"
#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"

namespace bitnet::model {
namespace {

// Matmul chunks are multiples of 16 rows (SIMD kernels' fast path) and at least
// about 256K multiply-adds, below which waking a thread costs more than it saves.
// Any split gives the same result.
int64_t row_grain(int64_t k) {
    constexpr int64_t kMinWork = 1 << 18;
    int64_t rows = (kMinWork + k - 1) / k;
    return std::max<int64_t>(16, (rows + 15) / 16 * 16);
}
constexpr int64_t kElementGrain = 1 << 14;
// The gated activation evaluates an exp per element: worth two threads from a
// few thousand elements on (an FFN row of 8192 took ~13 us on one).
constexpr int64_t kActivationGrain = 1 << 12;

// RAM plus swap: no single process can be given more, so a session asking for
// more would only fail later, in calloc, new[] or the OOM killer.
uint64_t memory_and_swap() {
    struct sysinfo si {};
    if (::sysinfo(&si) != 0) return UINT64_MAX;
    return (static_cast<uint64_t>(si.totalram) + si.totalswap) * si.mem_unit;
}

std::string gib(uint64_t bytes) {
    char s[32];
    std::snprintf(s, sizeof s, "%.1f GiB", static_cast<double>(bytes) / (1u << 30));
    return s;
}

// Bytes a session of n_ctx tokens allocates: the f16 K and V caches, the
// attention scratch and the batch work buffers. The config is bounded by
// Model::read_config, so none of these products overflows 64 bits.
uint64_t session_bytes(const ModelConfig& c, int64_t n_ctx, int64_t n_batch) {
    const auto u = [](int64_t v) { return static_cast<uint64_t>(v); };
    const uint64_t kv = 2 * u(c.n_layer) * u(n_ctx) * u(c.kv_dim()) * sizeof(uint16_t);
    const uint64_t scratch = u(c.n_head) * u(n_ctx) * sizeof(float);
    const uint64_t wide = u(std::max(c.n_embd, c.n_ff));
    const uint64_t batch = u(n_batch) * (4 * u(c.n_embd) + 2 * u(c.kv_dim()) + 2 * u(c.n_ff) + wide) * sizeof(float) +
                           u(n_batch) * wide;
    return kv + scratch + batch + u(c.n_vocab) * sizeof(float);
}

}  // namespace

Session::Session(const Model& model, kernels::Dispatcher& dispatcher, int64_t n_ctx, int64_t n_batch)
    : model_(model), dispatcher_(dispatcher), n_ctx_(n_ctx), n_batch_(std::max<int64_t>(1, n_batch)) {
    const auto& c = model_.config();
    if (n_ctx_ <= 0) n_ctx_ = c.n_ctx_train;
    if (n_ctx_ > c.n_ctx_train)
        throw Error("context size " + std::to_string(n_ctx_) + " exceeds the model's training context " +
                    std::to_string(c.n_ctx_train));
    n_batch_ = std::min(n_batch_, n_ctx_);
    // Refused up front with a usable message rather than a failed allocation.
    if (const uint64_t need = session_bytes(c, n_ctx_, n_batch_), have = memory_and_swap(); need > have)
        throw Error("context of " + std::to_string(n_ctx_) + " tokens needs " + gib(need) +
                    " (KV cache and work buffers), more than this machine's " + gib(have) +
                    " of memory and swap; use a smaller context (-c)");
    const size_t cache = static_cast<size_t>(c.n_layer * n_ctx_ * c.kv_dim());
    k_cache_.reset(static_cast<uint16_t*>(std::calloc(cache, sizeof(uint16_t))));
    v_cache_.reset(static_cast<uint16_t*>(std::calloc(cache, sizeof(uint16_t))));
    if (!k_cache_ || !v_cache_)
        throw Error("cannot allocate a KV cache of " + std::to_string(2 * cache * sizeof(uint16_t)) + " bytes");
    const auto b = static_cast<size_t>(n_batch_);
    const auto e = static_cast<size_t>(c.n_embd);
    const auto wide = static_cast<size_t>(std::max(c.n_embd, c.n_ff));
    x_.resize(b * e);
    h_.resize(b * wide);
    q_.resize(b * e);
    k_.resize(b * static_cast<size_t>(c.kv_dim()));
    v_.resize(b * static_cast<size_t>(c.kv_dim()));
    attn_.resize(b * e);
    gate_.resize(b * static_cast<size_t>(c.n_ff));
    up_.resize(b * static_cast<size_t>(c.n_ff));
    logits_.resize(static_cast<size_t>(c.n_vocab));
    scratch_.resize(static_cast<size_t>(c.n_head * n_ctx_));
    q8_.resize(b * wide);
    if (model_.head_in_blocks())
        head_in_.resize(b * gguf::block_input_row_bytes(model_.head_source().type, c.n_embd));
    q8_scale_.resize(b);
    q8_sum_.resize(b);
    positions_.resize(b);
}

void Session::check_tokens(std::span<const int32_t> tokens) const {
    for (int32_t id : tokens)
        if (id < 0 || id >= model_.config().n_vocab)
            throw Error("token id " + std::to_string(id) + " is outside the vocabulary (size " +
                        std::to_string(model_.config().n_vocab) + ")");
}

std::span<const float> Session::eval(std::span<const int32_t> tokens) {
    if (tokens.empty()) throw Error("nothing to evaluate: empty token list");
    const int64_t n = static_cast<int64_t>(tokens.size());
    if (pos_ + n > n_ctx_)
        throw Error("context full: " + std::to_string(pos_) + " + " + std::to_string(n) + " tokens exceed n_ctx " +
                    std::to_string(n_ctx_));
    check_tokens(tokens);
    for (int64_t done = 0; done < n; done += n_batch_) {
        int64_t chunk = std::min(n_batch_, n - done);
        forward(tokens.data() + done, chunk, done + chunk == n);
    }
    return logits_;
}

void Session::decode_batch(std::span<Session* const> sessions, std::span<const int32_t> ids) {
    if (sessions.empty()) throw Error("nothing to evaluate: empty batch");
    if (sessions.size() != ids.size())
        throw Error("batch of " + std::to_string(sessions.size()) + " sessions given " + std::to_string(ids.size()) +
                    " token ids");
    Session& work = *sessions[0];
    const auto n = static_cast<int64_t>(sessions.size());
    if (n > work.n_batch_)
        throw Error("batch of " + std::to_string(n) + " sequences exceeds the batch size " +
                    std::to_string(work.n_batch_));
    std::vector<Group> groups;
    groups.reserve(sessions.size());
    for (int64_t i = 0; i < n; ++i) {
        Session* s = sessions[static_cast<size_t>(i)];
        if (&s->model_ != &work.model_ || &s->dispatcher_ != &work.dispatcher_)
            throw Error("a batch must run sessions of one model and dispatcher");
        for (const auto& g : groups)
            if (g.s == s) throw Error("a session appears twice in one batch");
        if (s->pos_ + 1 > s->n_ctx_)
            throw Error("context full: " + std::to_string(s->pos_) + " + 1 tokens exceed n_ctx " +
                        std::to_string(s->n_ctx_));
        groups.push_back({s, i, 1});
    }
    work.check_tokens(ids);
    work.forward_groups(ids.data(), n, groups, true);
}

void Session::ternary(std::initializer_list<Projection> projections, int64_t n_tokens) {
    // A few sequences decoding together go to the small-batch op when a plugin
    // offers one: a GEMM tuned for prefill can lose to it several times there.
    const bool few = n_tokens > 1 && n_tokens <= BITNET_KP_GEMM_FEW_MAX_TOKENS &&
                     dispatcher_.selected(BITNET_OP_I2S_GEMM_FEW).kernel != nullptr;
    const bitnet_kp_op op = n_tokens == 1 ? BITNET_OP_I2S_GEMV : few ? BITNET_OP_I2S_GEMM_FEW : BITNET_OP_I2S_GEMM;
    // Projections of one quantized input share a parallel region.
    constexpr size_t kMax = 3;
    bitnet_kp_i2s_matmul_args args[kMax];
    const void* arg_ptrs[kMax];
    int64_t rows[kMax];
    size_t count = 0;
    int64_t k = 0;
    for (const auto& [w, y] : projections) {
        if (w->block_scale) {
            bitnet_kp_i2s_block_matmul_args b{sizeof(b), &w->gemv, w->block_scale, q8_.data(), q8_scale_.data(),
                                              q8_sum_.data(), y, n_tokens, w->gemv.rows};
            dispatcher_.run(BITNET_OP_I2S_BLOCK_MATMUL, &b, w->gemv.rows, row_grain(w->gemv.k * n_tokens));
            continue;
        }
        auto& a = args[count];
        a = {};
        a.struct_size = sizeof(a);
        a.w = n_tokens == 1 ? &w->gemv : few ? &w->few : &w->gemm;
        a.q = q8_.data();
        a.act_scale = q8_scale_.data();
        a.act_sum = q8_sum_.data();
        a.y = y;
        a.n_tokens = n_tokens;
        a.ldy = a.w->rows;
        arg_ptrs[count] = &a;
        rows[count] = a.w->rows;
        k = a.w->k;
        ++count;
    }
    if (count) dispatcher_.run_group(op, arg_ptrs, rows, count, row_grain(k * n_tokens));
}

void Session::quantize(const float* x, int64_t n_tokens, int64_t k) {
    bitnet_kp_quantize_args a{};
    a.struct_size = sizeof(a);
    a.x = x;
    a.q = q8_.data();
    a.scale = q8_scale_.data();
    a.sum = q8_sum_.data();
    a.n_tokens = n_tokens;
    a.k = k;
    dispatcher_.run(BITNET_OP_QUANTIZE_I8, &a, n_tokens);
}

void Session::rmsnorm(const float* x, const float* w, float* y, int64_t n_tokens, int64_t n) {
    bitnet_kp_rmsnorm_args a{};
    a.struct_size = sizeof(a);
    a.x = x;
    a.w = w;
    a.y = y;
    a.n_tokens = n_tokens;
    a.n = n;
    a.eps = model_.config().norm_eps;
    dispatcher_.run(BITNET_OP_RMSNORM, &a, n_tokens);
}

// Writes group g's K and V rows of layer il into its own cache and runs its
// attention; Q, K, V and the output are rows [g.row, g.row + g.n) of this
// session's work buffers.
void Session::attend(const Group& g, int64_t il) {
    const auto& c = model_.config();
    const int64_t E = c.n_embd, KV = c.kv_dim();
    Session& s = *g.s;
    uint16_t* kc = s.k_cache_.get() + il * s.n_ctx_ * KV;
    uint16_t* vc = s.v_cache_.get() + il * s.n_ctx_ * KV;
    const size_t rows = static_cast<size_t>(g.n * KV);
    f32_to_f16(k_.data() + g.row * KV, kc + s.pos_ * KV, rows);
    f32_to_f16(v_.data() + g.row * KV, vc + s.pos_ * KV, rows);

    bitnet_kp_attention_args at{};
    at.struct_size = sizeof(at);
    at.q = q_.data() + g.row * E;
    at.k_cache = kc;
    at.v_cache = vc;
    at.out = attn_.data() + g.row * E;
    at.scratch = s.scratch_.data();
    at.n_tokens = g.n;
    at.n_heads = c.n_head;
    at.n_kv_heads = c.n_head_kv;
    at.head_dim = c.head_dim;
    at.pos0 = s.pos_;
    at.kv_stride = KV;
    at.scale = 1.0f / std::sqrt(static_cast<float>(c.head_dim));
    // The reference rounds P to f16 only in single-token steps (FORMAT.md).
    at.flags = BITNET_ATTN_ROUND_Q_F16 | (g.n == 1 ? BITNET_ATTN_ROUND_P_F16 : 0u);
    const int64_t per_head = g.n * (s.pos_ + g.n) * c.head_dim;
    // Heads are split once a head's scores reach a few thousand elements: a
    // decode step's attention otherwise runs on one thread while the rest spin.
    dispatcher_.run(BITNET_OP_ATTENTION, &at, c.n_head, std::max<int64_t>(1, (1 << 13) / per_head));
}

void Session::forward(const int32_t* ids, int64_t nt, bool want_logits) {
    const Group one{this, 0, nt};
    forward_groups(ids, nt, {&one, 1}, want_logits);
}

void Session::forward_groups(const int32_t* ids, int64_t nt, std::span<const Group> groups, bool want_logits) {
    const auto& c = model_.config();
    const int64_t E = c.n_embd, F = c.n_ff;
    for (const auto& g : groups)
        for (int64_t t = 0; t < g.n; ++t) positions_[g.row + t] = static_cast<int32_t>(g.s->pos_ + t);

    if (model_.token_embd()) {
        bitnet_kp_embed_args emb{sizeof(emb), model_.token_embd(), ids, x_.data(), nt, c.n_vocab, E};
        dispatcher_.run(BITNET_OP_EMBED_F16, &emb, nt);
    } else {
        model_.embed_rows(ids, nt, x_.data());  // a few rows a step: the scalar reference suffices
    }

    auto add = [&](float* acc, const float* b, int64_t n) {
        bitnet_kp_binary_args a{sizeof(a), acc, b, acc, n};
        dispatcher_.run(BITNET_OP_ADD, &a, n, kElementGrain);
    };
    auto rope = [&](float* v, int64_t heads) {
        bitnet_kp_rope_args a{};
        a.struct_size = sizeof(a);
        a.x = v;
        a.pos = positions_.data();
        a.n_tokens = nt;
        a.n_heads = heads;
        a.head_dim = c.head_dim;
        a.n_rot = c.n_rot;
        a.freq_base = c.rope_freq_base;
        dispatcher_.run(c.arch().rope == RopeStyle::Neox ? BITNET_OP_ROPE_NEOX : BITNET_OP_ROPE_NORM, &a, nt);
    };

    for (int64_t il = 0; il < c.n_layer; ++il) {
        const auto& L = model_.layers()[static_cast<size_t>(il)];
        rmsnorm(x_.data(), L.attn_norm, h_.data(), nt, E);
        quantize(h_.data(), nt, E);
        ternary({{&L.wq, q_.data()}, {&L.wk, k_.data()}, {&L.wv, v_.data()}}, nt);
        rope(q_.data(), c.n_head);
        rope(k_.data(), c.n_head_kv);
        for (const auto& g : groups) attend(g, il);

        if (L.attn_sub_norm) rmsnorm(attn_.data(), L.attn_sub_norm, attn_.data(), nt, E);
        quantize(attn_.data(), nt, E);
        ternary({{&L.wo, h_.data()}}, nt);
        add(x_.data(), h_.data(), nt * E);

        rmsnorm(x_.data(), L.ffn_norm, h_.data(), nt, E);
        quantize(h_.data(), nt, E);
        ternary({{&L.w_gate, gate_.data()}, {&L.w_up, up_.data()}}, nt);
        bitnet_kp_binary_args g{sizeof(g), gate_.data(), up_.data(), gate_.data(), nt * F};
        dispatcher_.run(c.arch().activation == FfnActivation::Relu2 ? BITNET_OP_RELU2_GATE : BITNET_OP_SILU_GATE, &g,
                        nt * F, kActivationGrain);
        if (L.ffn_sub_norm) rmsnorm(gate_.data(), L.ffn_sub_norm, gate_.data(), nt, F);
        quantize(gate_.data(), nt, F);
        ternary({{&L.w_down, h_.data()}}, nt);
        add(x_.data(), h_.data(), nt * E);
    }
    for (const auto& g : groups) g.s->pos_ += g.n;
    if (!want_logits) return;

    // Only each group's last position needs logits: the norm and the head run
    // over those rows alone, gathered into h_.
    const auto n_out = static_cast<int64_t>(groups.size());
    for (int64_t i = 0; i < n_out; ++i) {
        const auto& g = groups[static_cast<size_t>(i)];
        rmsnorm(x_.data() + (g.row + g.n - 1) * E, model_.output_norm(), h_.data() + i * E, 1, E);
    }
    if (n_out == 1 && groups[0].s == this) {
        head(1, logits_.data());
        return;
    }
    const auto V = static_cast<size_t>(c.n_vocab);
    batch_logits_.resize(static_cast<size_t>(n_out) * V);
    head(n_out, batch_logits_.data());
    for (int64_t i = 0; i < n_out; ++i) {
        const float* row = batch_logits_.data() + static_cast<size_t>(i) * V;
        auto& out = groups[static_cast<size_t>(i)].s->logits_;
        std::copy(row, row + V, out.begin());
    }
}

// The output head over n_rows normed rows in h_, into y [n_rows][n_vocab].
void Session::head(int64_t n_rows, float* y) {
    const auto& c = model_.config();
    const int64_t E = c.n_embd;
    if (model_.has_head_q8()) {
        quantize(h_.data(), n_rows, E);
        bitnet_kp_q8_matmul_args hq{};
        hq.struct_size = sizeof(hq);
        hq.w = model_.head_q8();
        hq.w_scale = model_.head_q8_scale();
        hq.w_sum = model_.head_q8_sum();
        hq.q = q8_.data();
        hq.act_scale = q8_scale_.data();
        hq.y = y;
        hq.n_tokens = n_rows;
        hq.rows = c.n_vocab;
        hq.k = E;
        hq.ldy = c.n_vocab;
        dispatcher_.run(BITNET_OP_Q8_MATMUL, &hq, c.n_vocab, row_grain(E));
        return;
    }
    if (model_.head_in_blocks()) {
        // The input quantized as llama.cpp's matmul quantizes it for this weight
        // type: a few thousand floats a row, too few to spread over the pool.
        const gguf::TensorType type = model_.head_source().type;
        const uint64_t in_bytes = gguf::block_input_row_bytes(type, E);
        for (int64_t t = 0; t < n_rows; ++t)
            gguf::quantize_block_input(type, h_.data() + t * E, head_in_.data() + t * in_bytes, E);
        bitnet_kp_block_matmul_args hb{sizeof(hb), model_.head_source().data, head_in_.data(), y, n_rows,
                                       c.n_vocab, E, c.n_vocab};
        dispatcher_.run(model_.head_op(), &hb, c.n_vocab, row_grain(E));
        return;
    }
    bitnet_kp_f16_matmul_args hd{};
    hd.struct_size = sizeof(hd);
    hd.w = model_.output_head();
    hd.x = h_.data();
    hd.y = y;
    hd.n_tokens = n_rows;
    hd.rows = c.n_vocab;
    hd.k = E;
    hd.ldy = c.n_vocab;
    dispatcher_.run(BITNET_OP_F16_MATMUL, &hd, c.n_vocab, row_grain(E));
}

}  // namespace bitnet::model
