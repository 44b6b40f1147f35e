// SPDX-License-Identifier: MIT
// F16 table ops: the embedding lookup (exact widening: bitwise) and the dense
// output head (dot16 of kernel_plugin.h: bitwise too).
#include <cmath>
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class EmbedCase : public Case {
public:
    EmbedCase(Rng& rng, int64_t tokens, int64_t rows, int64_t k)
        : tokens_(tokens), rows_(rows), k_(k), table_(make_f16(rng, rows * k, 2.0f, true)) {
        std::uniform_int_distribution<int32_t> id(0, static_cast<int32_t>(rows - 1));
        for (int64_t t = 0; t < tokens; ++t) ids_.push_back(id(rng));
        ids_[0] = static_cast<int32_t>(rows - 1);
        std::ostringstream s;
        s << "tokens=" << tokens << " rows=" << rows << " k=" << k << " with f16 specials";
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return tokens_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<float> out(static_cast<size_t>(tokens_ * k_), guard_nan(), guard_nan());
        bitnet_kp_embed_args args{sizeof(bitnet_kp_embed_args), table_.data(), ids_.data(), out.get(),
                                  tokens_, rows_, k_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        o.f.assign(out.get(), out.get() + tokens_ * k_);
        if (!out.guards_intact()) o.error = "kernel wrote outside out";
        return o;
    }

private:
    int64_t tokens_;
    int64_t rows_;
    int64_t k_;
    std::string text_;
    std::vector<uint16_t> table_;
    std::vector<int32_t> ids_;
};

class F16MatmulCase : public Case {
public:
    F16MatmulCase(Rng& rng, int64_t rows, int64_t k, int64_t tokens, Pattern px)
        : rows_(rows), k_(k), tokens_(tokens), w_(make_f16(rng, rows * k, 0.05f, false)),
          x_(make_floats(rng, tokens * k, px)) {
        std::ostringstream s;
        s << "rows=" << rows << " k=" << k << " tokens=" << tokens << " x=" << pattern_name(px);
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return rows_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        const int64_t ldy = rows_ + 5;
        Guarded<float> y(static_cast<size_t>(tokens_ * ldy), guard_nan(), guard_nan());
        bitnet_kp_f16_matmul_args args{sizeof(bitnet_kp_f16_matmul_args), w_.data(), x_.data(), y.get(),
                                       tokens_, rows_, k_, ldy};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        if (!read_strided_rows(y, tokens_, rows_, ldy, o.f)) o.error = "kernel wrote outside y's rows";
        return o;
    }
    // No tolerance: kernel_plugin.h fixes the order of the sum (dot16), so every
    // plugin must give cpu-scalar's bits.

private:
    int64_t rows_;
    int64_t k_;
    int64_t tokens_;
    std::string text_;
    std::vector<uint16_t> w_;
    std::vector<float> x_;
};

}  // namespace

std::vector<CasePtr> make_embed_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    cases.push_back(std::make_unique<EmbedCase>(rng, 1, 50, 128));
    cases.push_back(std::make_unique<EmbedCase>(rng, 7, 50, 7));
    cases.push_back(std::make_unique<EmbedCase>(rng, 7, 300, 2560));
    if (level == Level::kFull) cases.push_back(std::make_unique<EmbedCase>(rng, 64, 100, 333));
    return cases;
}

std::vector<CasePtr> make_f16_matmul_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const bool full = level == Level::kFull;
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 1, 128, 1, Pattern::kNormal));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 3, 7, 1, Pattern::kNormal));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 33, 33, 7, Pattern::kWide));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 257, 2560, 1, Pattern::kNormal));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 17, 256, 3, Pattern::kTies));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 17, 256, 2, Pattern::kZero));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 9, 4133, 5, Pattern::kNormal));
    cases.push_back(std::make_unique<F16MatmulCase>(rng, 13, 24, 1, Pattern::kWide));
    if (full) {
        cases.push_back(std::make_unique<F16MatmulCase>(rng, 1001, 2560, 1, Pattern::kNormal));
        cases.push_back(std::make_unique<F16MatmulCase>(rng, 67, 2560, 7, Pattern::kWide));
        cases.push_back(std::make_unique<F16MatmulCase>(rng, 31, 8192, 2, Pattern::kSpike));
    }
    return cases;
}

}  // namespace bitnet::parity
