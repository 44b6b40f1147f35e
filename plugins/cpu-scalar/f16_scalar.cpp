// Ops on F16 tables: the embedding lookup and the dense (tied) output head.
#include <bitnet/kernel_plugin.h>

#include "f16_convert.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {

void embed_f16(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_embed_args*>(raw);
    for (int64_t t = begin; t < end; ++t) {
        const uint16_t* row = a->table + static_cast<int64_t>(a->ids[t]) * a->k;
        float* out = a->out + t * a->k;
        for (int64_t i = 0; i < a->k; ++i) out[i] = f16_to_f32(row[i]);
    }
}

namespace {

// The input is rounded to f16 once per chunk instead of once per (row, element);
// the running sum lives in y between chunks, which changes nothing numerically:
// it is still one float accumulator per output, added to in index order.
constexpr int64_t kChunk = 256;

}  // namespace

void f16_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    const int64_t k = a->k;
    float xh[kChunk];
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        const float* x = a->x + t * k;
        float* y = a->y + t * a->ldy;
        for (int64_t r = begin; r < end; ++r) y[r] = 0.0f;
        for (int64_t k0 = 0; k0 < k; k0 += kChunk) {
            const int64_t len = k - k0 < kChunk ? k - k0 : kChunk;
            for (int64_t i = 0; i < len; ++i) xh[i] = f16_to_f32(f32_to_f16(x[k0 + i]));
            for (int64_t r = begin; r < end; ++r) {
                const uint16_t* w = a->w + r * k + k0;
                float acc = y[r];
                // Products of two widened halves are exact in float.
                for (int64_t i = 0; i < len; ++i) acc += f16_to_f32(w[i]) * xh[i];
                y[r] = acc;
            }
        }
    }
}

}  // namespace bitnet::scalar
