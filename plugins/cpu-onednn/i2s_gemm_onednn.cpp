// SPDX-License-Identifier: MIT
// Ternary GEMM as an integer matmul: codes {0,1,2} (u8, rows x k) times the int8
// activations viewed as k x tokens (s8, stored tokens x k, so tag ba), giving
// s32 sums from which the epilogue subtracts act_sum: exactly the signed dot
// product cpu-scalar computes, so the float result is bitwise the same.
//
// The host's pool splits rows across threads, so oneDNN runs one thread per
// call. Rows go through in chunks whose codes stay in L2, and each thread keeps
// its own primitives (created once per shape: about 0.5 ms each) and buffers.
#include <dnnl.hpp>
#include <omp.h>

#include <algorithm>
#include <map>
#include <memory>
#include <tuple>
#include <vector>

#include "onednn_kernels.hpp"

namespace bitnet::onednn {
namespace {

// Codes of one chunk in bytes: about half of a 2 MB L2, with room for the
// activations oneDNN copies into its own blocks.
constexpr int64_t kChunkBytes = int64_t{1} << 20;
constexpr int64_t kMaxChunkRows = 256;
constexpr int64_t kRowAlign = 16;
// Primitives one thread keeps; beyond this the cache starts over (a model uses
// a handful of shapes, only tests sweep many).
constexpr size_t kMaxPrimitives = 64;

int64_t chunk_rows(int64_t k) {
    const int64_t rows = std::clamp(kChunkBytes / k, kRowAlign, kMaxChunkRows);
    return rows / kRowAlign * kRowAlign;
}

// Sets this thread's OpenMP team size to 1 for the call and restores it after,
// so oneDNN starts no threads of its own beside the host's pool.
class SingleThreadedOmp {
public:
    SingleThreadedOmp() : saved_(omp_get_max_threads()) {
        if (saved_ != 1) omp_set_num_threads(1);
    }
    ~SingleThreadedOmp() {
        if (saved_ != 1) omp_set_num_threads(saved_);
    }
    SingleThreadedOmp(const SingleThreadedOmp&) = delete;
    SingleThreadedOmp& operator=(const SingleThreadedOmp&) = delete;

private:
    int saved_;
};

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

struct ThreadState {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
    std::map<std::tuple<int64_t, int64_t, int64_t>, dnnl::matmul> primitives;
    std::vector<uint8_t> codes;
    std::vector<int32_t> acc;

    dnnl::matmul& primitive(int64_t rows, int64_t k, int64_t tokens) {
        const auto key = std::make_tuple(rows, k, tokens);
        auto it = primitives.find(key);
        if (it != primitives.end()) return it->second;
        if (primitives.size() >= kMaxPrimitives) primitives.clear();
        const dnnl::memory::desc src({rows, k}, dt::u8, tag::ab);
        // The activations in place (tag ba). Reordering them once per call into
        // oneDNN's blocked layout measured no faster on the whole prompt (it
        // helped K = 6912 and hurt K = 2560).
        const dnnl::memory::desc wei({k, tokens}, dt::s8, tag::ba);
        const dnnl::memory::desc dst({rows, tokens}, dt::s32, tag::ab);
        const dnnl::matmul::primitive_desc pd(dnnl::matmul::desc(src, wei, dst), engine);
        return primitives.emplace(key, dnnl::matmul(pd)).first->second;
    }
};

ThreadState& thread_state() {
    thread_local std::unique_ptr<ThreadState> state;
    if (!state) state = std::make_unique<ThreadState>();
    return *state;
}

// The plain integer loop straight from the I2_S bytes, for rows oneDNN could not
// take (it threw, say out of memory): slow but exact and allocation-free, so a
// failure inside oneDNN never yields a wrong or missing answer.
void exact_rows(const bitnet_kp_i2s_matmul_args& a, int64_t begin, int64_t end) {
    constexpr int32_t kWeightOfCode[4] = {-1, 0, 1, 0};
    const int64_t k = a.w->k;
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* row = a.w->data + r * (k / 4);
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int8_t* q = a.q + t * k;
            int32_t dot = 0;
            for (int64_t i = 0; i < k; ++i) {
                const int64_t in_block = i % 128;
                const uint8_t byte = row[(i / 128) * 32 + in_block % 32];
                dot += kWeightOfCode[(byte >> (6 - 2 * (in_block / 32))) & 3] * q[i];
            }
            a.y[t * a.ldy + r] = static_cast<float>(dot) / a.act_scale[t] * a.w->scale;
        }
    }
}

void run_chunks(const bitnet_kp_i2s_matmul_args& a, int64_t begin, int64_t end, ThreadState& st) {
    const int64_t k = a.w->k;
    const int64_t tokens = a.n_tokens;
    const int64_t step = chunk_rows(k);
    const int64_t first = std::min(step, end - begin);
    st.codes.resize(static_cast<size_t>(first * k));
    st.acc.resize(static_cast<size_t>(first * tokens));
    // oneDNN reads the activations in place; its API takes non-const handles.
    const dnnl::memory wei({{k, tokens}, dt::s8, tag::ba}, st.engine, const_cast<int8_t*>(a.q));
    for (int64_t row0 = begin; row0 < end; row0 += step) {
        const int64_t n = std::min(step, end - row0);
        unpack_codes(*a.w, row0, n, st.codes.data());
        try {
            dnnl::matmul& mm = st.primitive(n, k, tokens);
            const dnnl::memory src({{n, k}, dt::u8, tag::ab}, st.engine, st.codes.data());
            const dnnl::memory dst({{n, tokens}, dt::s32, tag::ab}, st.engine, st.acc.data());
            mm.execute(st.stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
            st.stream.wait();
        } catch (...) {
            exact_rows(a, row0, row0 + n);
            continue;
        }
        epilogue(a, row0, n, st.acc.data());
    }
}

}  // namespace

void i2s_gemm(const void* raw, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    if (begin >= end || a.n_tokens <= 0) return;
    // Nothing may escape into the C ABI: if the thread's engine or buffers cannot
    // be had, every row of the range takes the exact loop (rewriting any chunk
    // already done gives the same values).
    SingleThreadedOmp single;
    try {
        run_chunks(a, begin, end, thread_state());
    } catch (...) {
        exact_rows(a, begin, end);
    }
}

}  // namespace bitnet::onednn
