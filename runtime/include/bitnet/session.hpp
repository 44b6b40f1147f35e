// SPDX-License-Identifier: MIT
// An inference session: a KV cache and work buffers over one Model, evaluated
// through a Dispatcher. Follows the reference's numeric path (FORMAT.md): f16 KV
// cache, Q rounded to f16, P rounded to f16 in single-token steps, head input
// rounded to f16.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <span>
#include <vector>

#include "bitnet/dispatch.hpp"
#include "bitnet/model.hpp"

namespace bitnet::model {

class Session {
public:
    // n_ctx <= 0 takes the model's training context. Throws bitnet::Error when
    // n_ctx exceeds it.
    Session(const Model& model, kernels::Dispatcher& dispatcher, int64_t n_ctx = 0, int64_t n_batch = 512);

    // Appends tokens at the current position (as one batch, split into n_batch
    // chunks) and returns the logits after the last one. Throws bitnet::Error
    // when a token id is out of range or the context would overflow.
    std::span<const float> eval(std::span<const int32_t> tokens);

    // Appends ids[i] to sessions[i] for every i in one forward pass: the
    // ternary projections run as one GEMM over all the tokens (the weights are
    // read once), attention runs per session over its own KV cache, and the head
    // covers every token in one call. Each session's logits() then hold the
    // logits after its token, bitwise what sessions[i]->eval({ids[i]}) gives:
    // every op is row-wise or per session. All sessions share one model and
    // dispatcher and appear once; the batch is at most sessions[0]'s n_batch.
    // Throws bitnet::Error (before any session changes) on a full context, an
    // id outside the vocabulary or a malformed batch.
    static void decode_batch(std::span<Session* const> sessions, std::span<const int32_t> ids);

    // The logits after the last eval or decode_batch.
    std::span<const float> logits() const { return logits_; }

    // The head's input after the last eval: rmsnorm(x) * output_norm, in f32.
    std::span<const float> final_norm_output() const { return {h_.data(), static_cast<size_t>(model_.config().n_embd)}; }

    int64_t position() const { return pos_; }
    int64_t context_size() const { return n_ctx_; }
    void reset() { pos_ = 0; }

private:
    // Tokens [row, row + n) of a forward pass belong to session s, at its
    // position: a prompt is one group, a batched decode step one group per session.
    struct Group {
        Session* s;
        int64_t row;
        int64_t n;
    };
    void forward(const int32_t* ids, int64_t n_tokens, bool want_logits);
    // Runs in this session's work buffers; groups' KV caches and positions are
    // their own. want_logits: each group's logits after its last token.
    void forward_groups(const int32_t* ids, int64_t n_tokens, std::span<const Group> groups, bool want_logits);
    void attend(const Group& g, int64_t il);
    void check_tokens(std::span<const int32_t> tokens) const;
    void head(int64_t n_rows, float* y);
    struct Projection {
        const TernaryWeight* w;
        float* y;
    };
    void ternary(std::initializer_list<Projection> projections, int64_t n_tokens);
    void quantize(const float* x, int64_t n_tokens, int64_t k);
    void rmsnorm(const float* x, const float* w, float* y, int64_t n_tokens, int64_t n);

    const Model& model_;
    kernels::Dispatcher& dispatcher_;
    int64_t n_ctx_;
    int64_t n_batch_;
    int64_t pos_{0};

    // Per layer [n_ctx][kv_dim], f16. calloc'ed: the untouched tail of a large
    // context stays unmapped zero pages and costs no RSS until used.
    struct FreeDeleter {
        void operator()(void* p) const { std::free(p); }
    };
    std::unique_ptr<uint16_t[], FreeDeleter> k_cache_, v_cache_;
    // Work buffers sized for a full batch but left uninitialised: a short
    // prompt touches (and so pays RSS for) only the rows it uses.
    template <class T>
    struct Buffer {
        std::unique_ptr<T[]> p;
        size_t n{0};
        void resize(size_t count) {
            p.reset(new T[count]);
            n = count;
        }
        T* data() { return p.get(); }
        const T* data() const { return p.get(); }
        size_t size() const { return n; }
        T& operator[](size_t i) { return p[i]; }
    };
    Buffer<float> x_, h_, q_, k_, v_, attn_, gate_, up_, scratch_;
    std::vector<float> logits_;
    std::vector<float> batch_logits_;  // [n_batch][n_vocab], only once a batch of several decodes here
    Buffer<int8_t> q8_;
    Buffer<uint8_t> head_in_;  // the head's input blocks, when the head runs in Q8_0 or Q6_K
    Buffer<float> q8_scale_;
    Buffer<int32_t> q8_sum_, positions_;
};

}  // namespace bitnet::model
