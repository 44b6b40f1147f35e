// SPDX-License-Identifier: MIT
#include "attention_reference.hpp"

#include <bitnet/kernel_plugin.h>

#include <algorithm>
#include <cmath>

#include "op_specs.hpp"
#include "data_gen.hpp"

namespace bitnet::parity {
namespace {

// Whether two values anywhere in [lo, hi] can round to different halves.
bool may_round_apart(double lo, double hi) {
    return round_to_f16(static_cast<float>(lo)) != round_to_f16(static_cast<float>(hi));
}

}  // namespace

AttnReference attention_reference(const AttnInputs& in, int sides) {
    const int64_t hd = in.head_dim;
    const int64_t group = in.heads / in.kv_heads;
    const bool round_q = in.flags & BITNET_ATTN_ROUND_Q_F16;
    const bool round_p = in.flags & BITNET_ATTN_ROUND_P_F16;
    AttnReference ref;
    ref.out.resize(static_cast<size_t>(in.tokens * in.heads * hd));
    ref.bound.resize(ref.out.size());
    std::vector<double> s, p, pr, dp;
    for (int64_t t = 0; t < in.tokens; ++t) {
        const int64_t n = in.pos0 + t + 1;
        s.assign(static_cast<size_t>(n), 0.0);
        for (int64_t h = 0; h < in.heads; ++h) {
            const float* q = in.q + (t * in.heads + h) * hd;
            const int64_t off = (h / group) * hd;
            double smax = -INFINITY, ds = 0.0;
            for (int64_t j = 0; j < n; ++j) {
                double dot = 0.0, mag = 0.0;
                for (int64_t d = 0; d < hd; ++d) {
                    const double qd = round_q ? round_to_f16(q[d]) : q[d];
                    const double kd = f16_bits_to_float(in.k[j * in.kv_stride + off + d]);
                    dot += qd * kd;
                    mag += std::fabs(qd * kd);
                }
                s[static_cast<size_t>(j)] = dot * in.scale;
                smax = std::max(smax, s[static_cast<size_t>(j)]);
                ds = std::max(ds, gamma_n(static_cast<double>(hd)) * in.scale * mag + kU * std::fabs(dot * in.scale));
            }
            const double g = gamma_n(static_cast<double>(n));
            const double r = std::expm1(2.0 * ds) + 18.0 * kU + g;
            double sum = 0.0;
            for (int64_t j = 0; j < n; ++j) sum += std::exp(s[static_cast<size_t>(j)] - smax);
            p.resize(static_cast<size_t>(n));
            pr.resize(static_cast<size_t>(n));
            dp.resize(static_cast<size_t>(n));
            for (size_t j = 0; j < p.size(); ++j) {
                p[j] = std::exp(s[j] - smax) / sum;
                if (round_p) {
                    pr[j] = round_to_f16(static_cast<float>(p[j]));
                    const bool flip = may_round_apart(p[j] * (1 - r - 4 * kU), p[j] * (1 + r + 4 * kU));
                    dp[j] = flip ? std::max(p[j] * 0x1p-10, 0x1p-24) : 0.0;
                } else {
                    pr[j] = p[j];
                    dp[j] = sides * r * p[j];
                }
            }
            for (int64_t d = 0; d < hd; ++d) {
                double out = 0.0, bound = 0.0;
                for (int64_t j = 0; j < n; ++j) {
                    const double v = f16_bits_to_float(in.v[j * in.kv_stride + off + d]);
                    out += pr[static_cast<size_t>(j)] * v;
                    bound += (dp[static_cast<size_t>(j)] + sides * g * pr[static_cast<size_t>(j)]) * std::fabs(v);
                }
                const size_t o = static_cast<size_t>((t * in.heads + h) * hd + d);
                ref.out[o] = out;
                ref.bound[o] = bound + 1e-30;
            }
        }
    }
    return ref;
}

}  // namespace bitnet::parity
