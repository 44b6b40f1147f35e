// SPDX-License-Identifier: MIT
// I2S_BLOCK_MATMUL cases: I2_S codes with a scale per 256-weight block (zero,
// negative, tiny and huge scales among them). The header fixes every rounding
// (exact block dots, one product and one sum per block, one division), so
// kernels must match the reference bit for bit.
#include <random>
#include <sstream>

#include "compare.hpp"
#include "i2s_problem.hpp"
#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class I2sBlockCase : public Case {
public:
    I2sBlockCase(Rng& rng, int64_t rows, int64_t k, int64_t tokens, Codes codes, Acts acts)
        : p_(make_i2s_problem(rng, rows, k, tokens, codes, acts, 1.0f)), codes_(codes), acts_(acts) {
        std::uniform_real_distribution<float> u(0.25f, 4.0f);
        scales_.resize(static_cast<size_t>(rows * (k / 256)));
        for (size_t i = 0; i < scales_.size(); ++i) {
            scales_[i] = u(rng) * 0.01f * (i % 5 == 3 ? -1.0f : 1.0f);
            if (i % 7 == 2) scales_[i] = 0.0f;       // an all-zero block's d
            if (i % 11 == 5) scales_[i] = 1e-30f;    // products below float's normal range
            if (i % 13 == 7) scales_[i] = 3e30f;     // sums that may overflow to inf
        }
    }
    std::string describe() const override {
        std::ostringstream s;
        s << "rows=" << p_.rows << " k=" << p_.k << " tokens=" << p_.n_tokens << " codes=" << codes_name(codes_)
          << " acts=" << acts_name(acts_) << " per-block scales";
        return s.str();
    }
    int64_t extent() const override { return p_.rows; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Outputs out;
        bitnet_kp_i2s_weights w{sizeof(bitnet_kp_i2s_weights), p_.data(), nullptr, p_.rows, p_.k, 1.0f};
        Guarded<float> d(scales_.begin(), scales_.end(), guard_nan());
        const int64_t ldy = p_.rows + 3;  // a gap between tokens: the kernel must honour ldy
        Guarded<float> y(static_cast<size_t>(p_.n_tokens * ldy), guard_nan(), guard_nan());
        bitnet_kp_i2s_block_matmul_args args{sizeof(args), &w, d.get(), p_.q.data(), p_.act_scale.data(),
                                             p_.act_sum.data(), y.get(), p_.n_tokens, ldy};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        const bool gap_ok = read_strided_rows(y, p_.n_tokens, p_.rows, ldy, out.f) && d.guards_intact();
        if (!gap_ok) out.error = "kernel wrote outside y's rows (between tokens or past the ends)";
        return out;
    }

private:
    I2sProblem p_;
    Codes codes_;
    Acts acts_;
    std::vector<float> scales_;
};

}  // namespace

std::vector<CasePtr> make_i2s_block_matmul_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    struct Shape {
        int64_t rows, k;
    };
    const std::vector<Shape> shapes = level == Level::kFull
                                          ? std::vector<Shape>{{1, 256}, {3, 512}, {17, 768}, {67, 2048}, {33, 6912 + 256}}
                                          : std::vector<Shape>{{1, 256}, {3, 512}, {17, 768}};
    for (const Shape& s : shapes)
        for (int64_t tokens : {int64_t{1}, int64_t{3}})
            cases.push_back(std::make_unique<I2sBlockCase>(rng, s.rows, s.k, tokens, Codes::kRandom, Acts::kRandom));
    cases.push_back(std::make_unique<I2sBlockCase>(rng, 5, 512, 2, Codes::kWithThree, Acts::kMaxPos));
    cases.push_back(std::make_unique<I2sBlockCase>(rng, 9, 256, 1, Codes::kAllMinus, Acts::kMinNeg));
    cases.push_back(std::make_unique<I2sBlockCase>(rng, 7, 1024, 2, Codes::kZeroRows, Acts::kSpike));
    return cases;
}

}  // namespace bitnet::parity
