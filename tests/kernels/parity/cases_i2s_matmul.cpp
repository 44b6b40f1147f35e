// SPDX-License-Identifier: MIT
// Ternary GEMV/GEMM cases. Results are integer-derived (an exact int32 dot, then
// one division and one multiplication in a fixed order), so every kernel must
// match the reference bit for bit.
#include <sstream>

#include "i2s_problem.hpp"
#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class I2sMatmulCase : public Case {
public:
    I2sMatmulCase(I2sProblem p, const char* codes, const char* acts)
        : p_(std::move(p)), codes_(codes), acts_(acts) {}
    std::string describe() const override {
        std::ostringstream s;
        s << "rows=" << p_.rows << " k=" << p_.k << " tokens=" << p_.n_tokens << " codes=" << codes_
          << " acts=" << acts_ << " wscale=" << p_.wscale;
        return s.str();
    }
    int64_t extent() const override { return p_.rows; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Outputs out;
        out.f = run_i2s(kernel, p_, chunks, &out.error);
        return out;
    }

private:
    I2sProblem p_;
    const char* codes_;
    const char* acts_;
};

struct Shape {
    int64_t rows;
    int64_t k;
};

// Odd row counts so row tiles never divide evenly; K from one block to 8192,
// including the model's 2560 and 6912.
constexpr Shape kFullShapes[] = {{1, 128},   {3, 128},   {17, 256},  {33, 384},  {67, 1024},
                                 {129, 2560}, {61, 6912}, {37, 8192}, {255, 2560}};
constexpr Shape kQuickShapes[] = {{1, 128}, {3, 128}, {17, 256}, {33, 384}, {13, 2560}, {5, 6912}};

constexpr Codes kAllCodes[] = {Codes::kRandom, Codes::kWithThree, Codes::kZeroRows, Codes::kAllPlus,
                               Codes::kAllMinus};
constexpr Acts kAllActs[] = {Acts::kRandom, Acts::kMaxPos, Acts::kMinNeg, Acts::kAlternating, Acts::kZero,
                             Acts::kSpike};

void add_case(std::vector<CasePtr>& cases, Rng& rng, Shape s, int64_t tokens, Codes c, Acts a,
              float wscale) {
    cases.push_back(std::make_unique<I2sMatmulCase>(make_i2s_problem(rng, s.rows, s.k, tokens, c, a, wscale),
                                                    codes_name(c), acts_name(a)));
}

std::vector<CasePtr> make_cases(Level level, uint64_t seed, const std::vector<int64_t>& token_counts) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    constexpr float kScales[] = {0.0137f, 1.0f, 2.5e-3f, 0.731f};
    const bool full = level == Level::kFull;
    const Shape* shapes = full ? kFullShapes : kQuickShapes;
    const size_t n_shapes = full ? std::size(kFullShapes) : std::size(kQuickShapes);
    size_t i = 0;
    for (int64_t tokens : token_counts) {
        for (size_t s = 0; s < n_shapes; ++s, ++i) {
            // Large GEMMs cost the scalar reference the most; keep them to mid shapes.
            if (tokens >= 64 && shapes[s].rows * shapes[s].k > 67 * 6912) continue;
            add_case(cases, rng, shapes[s], tokens, i % 2 ? Codes::kWithThree : Codes::kRandom, Acts::kRandom,
                     kScales[i % std::size(kScales)]);
        }
        // Every weight pattern against every activation pattern on a small shape.
        for (Codes c : kAllCodes) {
            for (Acts a : kAllActs) add_case(cases, rng, {33, 384}, tokens, c, a, 0.0137f);
        }
        // Scale 0, and extremes at the largest K.
        add_case(cases, rng, {17, 256}, tokens, Codes::kRandom, Acts::kRandom, 0.0f);
        if (full) add_case(cases, rng, {7, 8192}, tokens, Codes::kAllPlus, Acts::kMinNeg, 1.0f);
    }
    return cases;
}

}  // namespace

std::vector<CasePtr> make_i2s_gemv_cases(Level level, uint64_t seed) { return make_cases(level, seed, {1}); }

std::vector<CasePtr> make_i2s_gemm_cases(Level level, uint64_t seed) {
    return make_cases(level, seed, level == Level::kFull ? std::vector<int64_t>{1, 7, 64}
                                                         : std::vector<int64_t>{1, 7});
}

// The op's whole token range at its ends, the four-sequence decode a server
// runs most, and both tile shapes of the small-batch kernels (4 rows up to four
// tokens, 2 rows above).
std::vector<CasePtr> make_i2s_gemm_few_cases(Level level, uint64_t seed) {
    return make_cases(level, seed, level == Level::kFull ? std::vector<int64_t>{2, 3, 4, 5, 8}
                                                         : std::vector<int64_t>{2, 4, 8});
}

}  // namespace bitnet::parity
