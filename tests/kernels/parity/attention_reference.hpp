// SPDX-License-Identifier: MIT
// Attention computed in double from the f16 cache, with an error bound per
// output that any faithful float kernel stays within. Shared by the parity
// case (kernel vs kernel) and the reference test (kernel vs exact).
#pragma once

#include <cstdint>
#include <vector>

namespace bitnet::parity {

struct AttnInputs {
    const float* q;          // tokens x heads x head_dim
    const uint16_t* k;       // f16 bits, position p of kv head g at p*kv_stride + g*head_dim
    const uint16_t* v;
    int64_t tokens, heads, kv_heads, head_dim, pos0, kv_stride;
    float scale;
    uint32_t flags;          // BITNET_ATTN_*
};

struct AttnReference {
    std::vector<double> out;    // exact, with the flags' f16 roundings applied
    std::vector<double> bound;  // allowed |result - out| (sides = 1) or |a - b| (sides = 2)
};

// The bound, per output d of (token t, head h), with n = pos0 + t + 1 keys:
//  - a float score is within ds = gamma(hd) scale sum|q k| + u |s| of exact;
//    a weight depends on s_j - s_max, so its relative error is within
//    r = expm1(2 ds) + 16u (exp, up to 8 ulp for vector approximations)
//        + gamma(n) (the sum, in float in any order) + 2u (reciprocal, product);
//  - without ROUND_P, two results' weights differ by <= sides * r * p_j;
//  - with ROUND_P, both round to the same half unless [p(1-r), p(1+r)]
//    straddles a binary16 rounding boundary; only then may they differ, by one
//    half ulp... up to one ulp (2^-10 p, or 2^-24 among subnormals);
//  - p.v summed in float in any order: gamma(n) sum p |v| per side.
// bound_d = sum_j dp_j |v_jd| + sides * gamma(n) * sum_j p_j |v_jd|.
AttnReference attention_reference(const AttnInputs& in, int sides);

}  // namespace bitnet::parity
