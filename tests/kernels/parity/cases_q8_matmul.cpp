// SPDX-License-Identifier: MIT
// Int8 x int8 matmul cases (the opt-in int8 output head, ABI 1.1). The dot is
// exact int32 and the two float operations have a fixed order, so kernels must
// match the reference bit for bit.
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class Q8MatmulCase : public Case {
public:
    Q8MatmulCase(Rng& rng, int64_t rows, int64_t k, int64_t tokens, Acts weights, Acts acts)
        : rows_(rows), k_(k), tokens_(tokens) {
        std::uniform_real_distribution<float> scale(1e-4f, 1e-1f);
        std::uniform_real_distribution<float> amax(0.01f, 100.0f);
        for (int64_t r = 0; r < rows; ++r) {
            const std::vector<int8_t> w = make_acts(rng, k, r % 4 == 3 ? Acts::kRandom : weights);
            int32_t sum = 0;
            for (int8_t v : w) sum += v;
            w_.insert(w_.end(), w.begin(), w.end());
            w_sum_.push_back(sum);
            w_scale_.push_back(r % 5 == 4 ? 0.0f : scale(rng));
        }
        for (int64_t t = 0; t < tokens; ++t) {
            const std::vector<int8_t> q = make_acts(rng, k, t % 3 == 2 ? Acts::kRandom : acts);
            q_.insert(q_.end(), q.begin(), q.end());
            act_scale_.push_back(static_cast<float>(127.0 / static_cast<double>(amax(rng))));
        }
        std::ostringstream s;
        s << "rows=" << rows << " k=" << k << " tokens=" << tokens << " w=" << acts_name(weights)
          << " acts=" << acts_name(acts);
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return rows_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        const int64_t ldy = rows_ + 3;
        Guarded<float> y(static_cast<size_t>(tokens_ * ldy), guard_nan(), guard_nan());
        bitnet_kp_q8_matmul_args args{sizeof(bitnet_kp_q8_matmul_args), w_.data(), w_scale_.data(), w_sum_.data(),
                                      q_.data(), act_scale_.data(), y.get(), tokens_, rows_, k_, ldy};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        if (!read_strided_rows(y, tokens_, rows_, ldy, o.f)) o.error = "kernel wrote outside y's rows";
        return o;
    }

private:
    int64_t rows_;
    int64_t k_;
    int64_t tokens_;
    std::string text_;
    std::vector<int8_t> w_;
    std::vector<float> w_scale_;
    std::vector<int32_t> w_sum_;
    std::vector<int8_t> q_;
    std::vector<float> act_scale_;
};

}  // namespace

std::vector<CasePtr> make_q8_matmul_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const bool full = level == Level::kFull;
    struct Shape {
        int64_t rows, k, tokens;
    };
    std::vector<Shape> shapes = {{1, 128, 1}, {3, 2560, 1}, {33, 256, 7}, {17, 100, 2}, {257, 2560, 1}};
    if (full) shapes.insert(shapes.end(), {{1001, 2560, 1}, {67, 8192, 3}, {61, 2560, 64}});
    for (const Shape& s : shapes) {
        cases.push_back(std::make_unique<Q8MatmulCase>(rng, s.rows, s.k, s.tokens, Acts::kRandom, Acts::kRandom));
    }
    // Extremes: -128 * -128 products everywhere, alternating signs, spikes, zeros.
    for (Acts w : {Acts::kMinNeg, Acts::kMaxPos, Acts::kAlternating, Acts::kZero}) {
        for (Acts a : {Acts::kMinNeg, Acts::kAlternating, Acts::kSpike}) {
            cases.push_back(std::make_unique<Q8MatmulCase>(rng, 9, 2560, 2, w, a));
        }
    }
    return cases;
}

}  // namespace bitnet::parity
