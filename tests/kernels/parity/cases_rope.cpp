// SPDX-License-Identifier: MIT
// RoPE cases for both pairings (NEOX i, i + n_rot/2; NORM 2i, 2i + 1). The header
// fixes how theta is advanced (repeated float multiplication), so kernels may
// differ only in cos/sin and in how the two products are combined.
#include <cmath>
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class RopeCase : public Case {
public:
    RopeCase(Rng& rng, bool adjacent, int64_t tokens, int64_t heads, int64_t head_dim, int64_t n_rot, float base, int32_t max_pos)
        : adjacent_(adjacent), tokens_(tokens), heads_(heads), head_dim_(head_dim), n_rot_(n_rot), base_(base) {
        std::uniform_int_distribution<int32_t> pos(0, max_pos);
        for (int64_t t = 0; t < tokens; ++t) pos_.push_back(t == 0 ? max_pos : pos(rng));
        if (tokens > 1) pos_[1] = 0;
        x_ = make_floats(rng, tokens * heads * head_dim, Pattern::kWide);
        std::ostringstream s;
        s << "tokens=" << tokens << " heads=" << heads << " head_dim=" << head_dim << " n_rot=" << n_rot
          << " base=" << base << " max_pos=" << max_pos;
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return tokens_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<float> x(x_.begin(), x_.end(), guard_nan());
        bitnet_kp_rope_args args{sizeof(bitnet_kp_rope_args), x.get(), pos_.data(), tokens_, heads_,
                                 head_dim_, n_rot_, base_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs out;
        out.f.assign(x.get(), x.get() + x_.size());
        if (!x.guards_intact()) out.error = "kernel wrote outside x";
        return out;
    }
    // Per rotated pair, each output is x0*c -+ x1*s. Rounding each product and
    // the sum costs <= 2u (|x0| + |x1|) in the reference and in a kernel (with
    // or without FMA); cos and sin within 2 ulp of glibc's add <= 4u each side.
    // Total <= 12u (|x0| + |x1|); we allow 16u. Unrotated dims must be exact.
    std::vector<float> tolerance(const Outputs& ref) const override {
        std::vector<float> tol(ref.f.size(), 0.0f);
        const int64_t half = n_rot_ / 2;
        for (int64_t row = 0; row < tokens_ * heads_; ++row) {
            const float* x = x_.data() + row * head_dim_;
            for (int64_t i = 0; i < half; ++i) {
                const int64_t i0 = adjacent_ ? 2 * i : i;
                const int64_t i1 = adjacent_ ? 2 * i + 1 : i + half;
                const double mag = std::fabs(x[i0]) + std::fabs(x[i1]);
                const float t = static_cast<float>(16.0 * kU * mag + 1.2e-38);
                tol[static_cast<size_t>(row * head_dim_ + i0)] = t;
                tol[static_cast<size_t>(row * head_dim_ + i1)] = t;
            }
        }
        return tol;
    }

private:
    bool adjacent_;
    int64_t tokens_;
    int64_t heads_;
    int64_t head_dim_;
    int64_t n_rot_;
    float base_;
    std::string text_;
    std::vector<int32_t> pos_;
    std::vector<float> x_;
};

std::vector<CasePtr> make_cases(bool adjacent, Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const bool full = level == Level::kFull;
    cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 1, 1, 64, 64, 10000.0f, 0));
    cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 7, 4, 64, 64, 10000.0f, 300));
    cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 7, 5, 128, 128, 500000.0f, 4095));
    cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 3, 2, 128, 64, 500000.0f, 1000));  // partial rotation
    cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 5, 3, 42, 42, 10000.0f, 77));      // odd pair count
    if (full) {
        cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 64, 20, 128, 128, 500000.0f, 4095));
        cases.push_back(std::make_unique<RopeCase>(rng, adjacent, 1, 20, 128, 128, 500000.0f, 4095));
    }
    return cases;
}

}  // namespace

std::vector<CasePtr> make_rope_cases(Level level, uint64_t seed) { return make_cases(false, level, seed); }
std::vector<CasePtr> make_rope_norm_cases(Level level, uint64_t seed) { return make_cases(true, level, seed); }

}  // namespace bitnet::parity
