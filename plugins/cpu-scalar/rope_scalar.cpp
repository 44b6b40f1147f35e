// SPDX-License-Identifier: MIT
// Rotary position embedding, in place: NEOX pairs (i, i + n_rot/2) and the
// llama architecture's "normal" adjacent pairs (2i, 2i + 1), whose converters
// permute Q and K rows so that it equals the Hugging Face rotate-half form.
#include <bitnet/kernel_plugin.h>

#include <cmath>

#include "scalar_kernels.hpp"

namespace bitnet::scalar {
namespace {

// Angles depend on the position and the pair only, so each token's cos/sin are
// computed once and shared by all its heads (most of this op's time was libm).
constexpr int64_t kMaxPairs = 512;  // head_dim up to 1024; longer rows recompute per head

template <bool kAdjacentPairs>
void rope(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_rope_args*>(raw);
    const int64_t half = a->n_rot / 2;
    // The reference advances theta by repeated float multiplication, not one pow
    // per dimension; the drift that introduces is part of the reference result.
    const float theta_scale = std::pow(a->freq_base, -2.0f / static_cast<float>(a->n_rot));
    float cos_t[kMaxPairs], sin_t[kMaxPairs];
    const bool cached = half <= kMaxPairs;
    for (int64_t t = begin; t < end; ++t) {
        if (cached) {
            float theta = static_cast<float>(a->pos[t]);
            for (int64_t i = 0; i < half; ++i) {
                cos_t[i] = std::cos(theta);
                sin_t[i] = std::sin(theta);
                theta *= theta_scale;
            }
        }
        for (int64_t h = 0; h < a->n_heads; ++h) {
            float* x = a->x + (t * a->n_heads + h) * a->head_dim;
            float theta = static_cast<float>(a->pos[t]);
            for (int64_t i = 0; i < half; ++i) {
                const int64_t i0 = kAdjacentPairs ? 2 * i : i;
                const int64_t i1 = kAdjacentPairs ? 2 * i + 1 : i + half;
                const float c = cached ? cos_t[i] : std::cos(theta);
                const float s = cached ? sin_t[i] : std::sin(theta);
                const float x0 = x[i0];
                const float x1 = x[i1];
                x[i0] = x0 * c - x1 * s;
                x[i1] = x0 * s + x1 * c;
                theta *= theta_scale;
            }
        }
    }
}

}  // namespace

void rope_neox(const void* raw, int64_t begin, int64_t end) { rope<false>(raw, begin, end); }
void rope_norm(const void* raw, int64_t begin, int64_t end) { rope<true>(raw, begin, end); }

}  // namespace bitnet::scalar
