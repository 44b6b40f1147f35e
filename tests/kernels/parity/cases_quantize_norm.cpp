// SPDX-License-Identifier: MIT
// Activation quantization (integer results: bitwise) and RMSNorm (float:
// within a bound derived from the header's accumulation contract).
#include <cmath>
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

constexpr Pattern kAllPatterns[] = {Pattern::kNormal, Pattern::kWide, Pattern::kHuge, Pattern::kAllEqual,
                                    Pattern::kSpike,  Pattern::kZero, Pattern::kTiny, Pattern::kTies};

// Token t of a "mixed" case uses pattern t % 8, so one call sees every extreme.
std::vector<float> make_tokens(Rng& rng, int64_t n_tokens, int64_t k, const Pattern* pattern) {
    std::vector<float> x;
    for (int64_t t = 0; t < n_tokens; ++t) {
        const Pattern p = pattern ? *pattern : kAllPatterns[t % std::size(kAllPatterns)];
        const std::vector<float> row = make_floats(rng, k, p);
        x.insert(x.end(), row.begin(), row.end());
    }
    return x;
}

std::string shape_text(int64_t tokens, int64_t k, const Pattern* pattern) {
    std::ostringstream s;
    s << "tokens=" << tokens << " k=" << k << " data=" << (pattern ? pattern_name(*pattern) : "mixed");
    return s.str();
}

class QuantizeCase : public Case {
public:
    QuantizeCase(Rng& rng, int64_t tokens, int64_t k, const Pattern* pattern)
        : tokens_(tokens), k_(k), text_(shape_text(tokens, k, pattern)), x_(make_tokens(rng, tokens, k, pattern)) {}
    std::string describe() const override { return text_; }
    int64_t extent() const override { return tokens_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<int8_t> q(static_cast<size_t>(tokens_ * k_), int8_t{0x5A}, int8_t{0x5A});
        Guarded<float> scale(static_cast<size_t>(tokens_), guard_nan(), guard_nan());
        Guarded<int32_t> sum(static_cast<size_t>(tokens_), 0x5A5A5A5A, 0x5A5A5A5A);
        bitnet_kp_quantize_args args{sizeof(bitnet_kp_quantize_args), x_.data(), q.get(), scale.get(),
                                     sum.get(), tokens_, k_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs out;
        out.f.assign(scale.get(), scale.get() + tokens_);
        out.i.assign(q.get(), q.get() + tokens_ * k_);
        out.i.insert(out.i.end(), sum.get(), sum.get() + tokens_);
        if (!q.guards_intact() || !scale.guards_intact() || !sum.guards_intact()) {
            out.error = "kernel wrote outside its outputs";
        }
        return out;
    }

private:
    int64_t tokens_;
    int64_t k_;
    std::string text_;
    std::vector<float> x_;
};

class RmsnormCase : public Case {
public:
    RmsnormCase(Rng& rng, int64_t tokens, int64_t n, const Pattern* pattern, bool in_place, float eps)
        : tokens_(tokens), n_(n), in_place_(in_place), eps_(eps),
          text_(shape_text(tokens, n, pattern) + (in_place ? " in-place" : "")),
          x_(make_tokens(rng, tokens, n, pattern)) {
        std::normal_distribution<float> around_one(1.0f, 0.25f);
        for (int64_t i = 0; i < n; ++i) w_.push_back(around_one(rng));
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return tokens_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<float> x(x_.begin(), x_.end(), guard_nan());
        Guarded<float> y(x_.size(), guard_nan(), guard_nan());
        float* dst = in_place_ ? x.get() : y.get();
        bitnet_kp_rmsnorm_args args{sizeof(bitnet_kp_rmsnorm_args), x.get(), w_.data(), dst, tokens_, n_, eps_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs out;
        out.f.assign(dst, dst + x_.size());
        if (!x.guards_intact() || !y.guards_intact()) out.error = "kernel wrote outside its outputs";
        return out;
    }
    // The header fixes float squares summed in double; in any order that sum
    // is within n * 2^-53 relative of the reference's, so the float mean can
    // differ by at most one rounding. Each of the six float roundings after it
    // (mean, + eps, sqrt, reciprocal, * scale, * w) can then differ by one ulp
    // (<= 2u relative): |diff| <= 12 u |y|; we allow 16 u |y| plus the
    // smallest normal for results in the subnormal range.
    std::vector<float> tolerance(const Outputs& ref) const override {
        std::vector<float> tol(ref.f.size());
        for (size_t i = 0; i < tol.size(); ++i) {
            tol[i] = static_cast<float>(16.0 * kU * std::fabs(ref.f[i]) + 1.2e-38);
        }
        return tol;
    }

private:
    int64_t tokens_;
    int64_t n_;
    bool in_place_;
    float eps_;
    std::string text_;
    std::vector<float> x_;
    std::vector<float> w_;
};

}  // namespace

std::vector<CasePtr> make_quantize_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const bool full = level == Level::kFull;
    // K need not be a multiple of anything here: tails must work.
    const std::vector<int64_t> ks = full ? std::vector<int64_t>{1, 33, 128, 129, 2560, 6912, 8192}
                                         : std::vector<int64_t>{1, 33, 128, 2560};
    const std::vector<int64_t> token_counts = full ? std::vector<int64_t>{1, 7, 64} : std::vector<int64_t>{1, 7};
    for (int64_t tokens : token_counts) {
        for (int64_t k : ks) cases.push_back(std::make_unique<QuantizeCase>(rng, tokens, k, nullptr));
    }
    for (const Pattern& p : kAllPatterns) {
        cases.push_back(std::make_unique<QuantizeCase>(rng, 3, 256, &p));
        if (full) cases.push_back(std::make_unique<QuantizeCase>(rng, 2, 6912, &p));
    }
    return cases;
}

std::vector<CasePtr> make_rmsnorm_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const bool full = level == Level::kFull;
    const std::vector<int64_t> ns = full ? std::vector<int64_t>{1, 33, 128, 2560, 6912, 8192}
                                         : std::vector<int64_t>{1, 33, 128, 2560};
    const std::vector<int64_t> token_counts = full ? std::vector<int64_t>{1, 7, 64} : std::vector<int64_t>{1, 7};
    for (int64_t tokens : token_counts) {
        for (int64_t n : ns) {
            cases.push_back(std::make_unique<RmsnormCase>(rng, tokens, n, nullptr, false, 1e-5f));
        }
    }
    for (const Pattern& p : kAllPatterns) {
        cases.push_back(std::make_unique<RmsnormCase>(rng, 3, 2560, &p, false, 1e-6f));
    }
    cases.push_back(std::make_unique<RmsnormCase>(rng, 7, 2560, nullptr, true, 1e-5f));
    return cases;
}

}  // namespace bitnet::parity
