// SPDX-License-Identifier: MIT
// Causal attention cases over an f16 KV cache, with every rounding flag, GQA,
// padded cache strides, prefill batches and decode steps.
#include <algorithm>
#include <cmath>
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

enum class Scores {
    kNormal,   // q, k ~ N(0, 1): a soft distribution
    kPeaky,    // q 8x larger: nearly one-hot, exp underflows for most keys
    kUniform,  // q = 0: every weight 1/n
    kHalfUlp,  // every q just short of a binary16 rounding midpoint: rounding
               // q (or not) shifts every score coherently
};

const char* scores_name(Scores s) {
    switch (s) {
        case Scores::kNormal: return "normal";
        case Scores::kPeaky: return "peaky";
        case Scores::kUniform: return "uniform";
        case Scores::kHalfUlp: return "q-near-f16-midpoints";
    }
    return "?";
}

struct AttnShape {
    int64_t heads;
    int64_t kv_heads;
    int64_t head_dim;
    int64_t pos0;
    int64_t tokens;
    int64_t stride_pad;  // extra elements per cache position
};

class AttentionCase : public Case {
public:
    AttentionCase(Rng& rng, AttnShape s, uint32_t flags, Scores scores) : s_(s), flags_(flags) {
        n_pos_ = s.pos0 + s.tokens;
        kv_stride_ = s.kv_heads * s.head_dim + s.stride_pad;
        scale_ = 1.0f / std::sqrt(static_cast<float>(s.head_dim));
        q_ = make_floats(rng, s.tokens * s.heads * s.head_dim, Pattern::kNormal);
        const float mult = scores == Scores::kPeaky ? 8.0f : scores == Scores::kUniform ? 0.0f : 1.0f;
        for (float& v : q_) v *= mult;
        if (scores == Scores::kHalfUlp) {
            for (float& v : q_) {
                // 0.45 of the way to the next half away from zero (binary16 is
                // sign-magnitude, so bits + 1 is that half): rounds back to h.
                const float h = round_to_f16(v);
                const uint16_t bits = float_to_f16_bits(h);
                const float up = f16_bits_to_float(static_cast<uint16_t>(bits + 1));
                v = h + 0.45f * (up - h);
            }
        }
        k_ = make_f16(rng, n_pos_ * kv_stride_, 1.0f, false);
        v_ = make_f16(rng, n_pos_ * kv_stride_, 1.0f, false);
        std::ostringstream t;
        t << "heads=" << s.heads << "/" << s.kv_heads << " head_dim=" << s.head_dim << " pos0=" << s.pos0
          << " tokens=" << s.tokens << " kv_stride=" << kv_stride_ << " flags=" << flags
          << " scores=" << scores_name(scores);
        text_ = t.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return s_.heads; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<float> out(q_.size(), guard_nan(), guard_nan());
        Guarded<float> scratch(static_cast<size_t>(s_.heads * n_pos_), 0.0f, guard_nan());
        bitnet_kp_attention_args args{sizeof(bitnet_kp_attention_args), q_.data(), k_.data(), v_.data(),
                                      out.get(), scratch.get(), s_.tokens, s_.heads, s_.kv_heads,
                                      s_.head_dim, s_.pos0, kv_stride_, scale_, flags_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        o.f.assign(out.get(), out.get() + q_.size());
        if (!out.guards_intact() || !scratch.guards_intact()) o.error = "kernel wrote outside out or scratch";
        return o;
    }

    // No tolerance: kernel_plugin.h fixes the reduction order and the exp, so
    // every plugin must give cpu-scalar's bits.

private:
    AttnShape s_;
    uint32_t flags_;
    int64_t n_pos_ = 0;
    int64_t kv_stride_ = 0;
    float scale_ = 0.0f;
    std::string text_;
    std::vector<float> q_;
    std::vector<uint16_t> k_;
    std::vector<uint16_t> v_;
};

}  // namespace

std::vector<CasePtr> make_attention_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    constexpr uint32_t kQ = BITNET_ATTN_ROUND_Q_F16;
    constexpr uint32_t kP = BITNET_ATTN_ROUND_P_F16;
    // Decode steps use both roundings, prefill batches only Q's (as the model
    // does), but every combination appears somewhere.
    const std::vector<std::pair<AttnShape, uint32_t>> quick = {
        {{1, 1, 64, 0, 1, 0}, kQ | kP},   {{4, 1, 64, 5, 1, 0}, kQ | kP},  {{4, 2, 64, 0, 7, 8}, kQ},
        {{8, 2, 128, 131, 1, 0}, kQ | kP}, {{3, 3, 32, 9, 7, 0}, 0},       {{2, 1, 64, 17, 1, 4}, kP},
        {{2, 1, 40, 30, 3, 0}, 0},         {{3, 1, 7, 12, 2, 0}, kQ | kP},
        {{2, 1, 256, 21, 1, 0}, kQ | kP},  // Falcon3's head_dim
    };
    const std::vector<std::pair<AttnShape, uint32_t>> extra = {
        {{20, 5, 128, 300, 1, 0}, kQ | kP}, {{20, 5, 128, 0, 64, 0}, kQ}, {{8, 8, 128, 40, 64, 16}, kQ},
        {{20, 5, 128, 1000, 7, 0}, kQ},
        {{8, 4, 256, 70, 1, 0}, kQ | kP},   {{8, 4, 256, 0, 9, 0}, kQ},    // falcon3-1b
        {{16, 16, 96, 45, 1, 0}, kQ | kP},  {{16, 16, 96, 3, 5, 0}, kQ},   // bitnet_b1_58-large
    };
    constexpr Scores kScores[] = {Scores::kNormal, Scores::kPeaky, Scores::kUniform, Scores::kHalfUlp};
    size_t i = 0;
    for (const auto& [shape, flags] : quick) {
        for (Scores sc : kScores) cases.push_back(std::make_unique<AttentionCase>(rng, shape, flags, sc));
        ++i;
    }
    if (level == Level::kFull) {
        for (const auto& [shape, flags] : extra) {
            cases.push_back(std::make_unique<AttentionCase>(rng, shape, flags, kScores[i++ % std::size(kScores)]));
        }
    }
    return cases;
}

}  // namespace bitnet::parity
