// SPDX-License-Identifier: MIT
// Q8_0_MATMUL and Q6_K_MATMUL cases (ABI 1.6): heads in llama.cpp's block types
// against inputs in Q8_0 / Q8_K blocks. The header fixes every rounding (exact
// block dots, one product per block for Q6_K, dot16 over blocks), so kernels
// must match the reference bit for bit. Scales include zeros, subnormals, f16's
// largest values and, in the "specials" cases, infinities and NaNs; codes include
// the extremes whose block dots leave float's exact-integer range.
#include <cstring>
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

enum class Kind { kQ8_0, kQ6_K };

constexpr int64_t block_size(Kind k) { return k == Kind::kQ8_0 ? 32 : 256; }
constexpr int64_t weight_bytes(Kind k) { return k == Kind::kQ8_0 ? 34 : 210; }
constexpr int64_t input_bytes(Kind k) { return k == Kind::kQ8_0 ? 34 : 292; }

void put_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

// Codes of one block: random, or the extreme a pattern names (all of a block's
// int8 at the pattern's value; Q6_K's 6-bit codes at 0 = -32 or 63 = +31).
void fill_weight_block(Rng& rng, Kind kind, Acts pattern, uint16_t d, uint8_t* b) {
    std::uniform_int_distribution<int> byte(0, 255);
    if (kind == Kind::kQ8_0) {
        put_u16(b, d);
        const std::vector<int8_t> q = make_acts(rng, 32, pattern);
        std::memcpy(b + 2, q.data(), 32);
        return;
    }
    for (int i = 0; i < 192; ++i) {
        b[i] = static_cast<uint8_t>(byte(rng));
        if (pattern == Acts::kMinNeg) b[i] = 0x00;     // every value -32
        if (pattern == Acts::kMaxPos) b[i] = 0xFF;     // every value +31
        if (pattern == Acts::kZero) b[i] = i < 128 ? 0x00 : 0xAA;  // every value 0: low 0, high 2
    }
    const std::vector<int8_t> sc = make_acts(rng, 16, pattern == Acts::kZero ? Acts::kRandom : pattern);
    std::memcpy(b + 192, sc.data(), 16);
    put_u16(b + 208, d);
}

void fill_input_block(Rng& rng, Kind kind, Acts pattern, uint16_t d16, float d32, uint8_t* b) {
    const std::vector<int8_t> q = make_acts(rng, block_size(kind), pattern);
    if (kind == Kind::kQ8_0) {
        put_u16(b, d16);
        std::memcpy(b + 2, q.data(), 32);
        return;
    }
    std::memcpy(b, &d32, 4);
    std::memcpy(b + 4, q.data(), 256);
    for (int j = 0; j < 16; ++j) {
        int32_t s = 0;
        for (int i = 0; i < 16; ++i) s += q[16 * j + i];
        const auto s16 = static_cast<int16_t>(s);
        std::memcpy(b + 260 + 2 * j, &s16, 2);
    }
}

class BlockMatmulCase : public Case {
public:
    BlockMatmulCase(Rng& rng, Kind kind, int64_t rows, int64_t k, int64_t tokens, Acts weights, Acts acts,
                    bool specials)
        : kind_(kind), rows_(rows), k_(k), tokens_(tokens) {
        const int64_t nb = k / block_size(kind);
        const std::vector<uint16_t> dw = make_f16(rng, rows * nb, 0.02f, specials);
        const std::vector<uint16_t> dx = make_f16(rng, tokens * nb, 0.05f, specials);
        std::uniform_real_distribution<float> dxf(1e-4f, 1.0f);
        w_.resize(static_cast<size_t>(rows * nb * weight_bytes(kind)));
        x_.resize(static_cast<size_t>(tokens * nb * input_bytes(kind)));
        for (int64_t i = 0; i < rows * nb; ++i)
            fill_weight_block(rng, kind, (i / nb) % 4 == 3 ? Acts::kRandom : weights, dw[i],
                              w_.data() + i * weight_bytes(kind));
        for (int64_t i = 0; i < tokens * nb; ++i) {
            float d32 = dxf(rng) * (i % 3 == 1 ? -1.0f : 1.0f);
            if (specials && i % 5 == 2) d32 = i % 2 ? 3e38f : 1e-40f;  // huge, and subnormal
            if (i % 7 == 4) d32 = 0.0f;                                // an all-zero input block
            fill_input_block(rng, kind, (i / nb) % 3 == 2 ? Acts::kRandom : acts, dx[i], d32,
                             x_.data() + i * input_bytes(kind));
        }
        std::ostringstream s;
        s << (kind == Kind::kQ8_0 ? "q8_0" : "q6_k") << " rows=" << rows << " k=" << k << " tokens=" << tokens
          << " w=" << acts_name(weights) << " acts=" << acts_name(acts) << (specials ? " with inf/nan/subnormal d" : "");
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return rows_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        const int64_t ldy = rows_ + 3;  // a gap between tokens: the kernel must honour ldy
        Guarded<uint8_t> w(w_.begin(), w_.end(), 0xA5);
        Guarded<uint8_t> x(x_.begin(), x_.end(), 0x5A);
        Guarded<float> y(static_cast<size_t>(tokens_ * ldy), guard_nan(), guard_nan());
        bitnet_kp_block_matmul_args args{sizeof(args), w.get(), x.get(), y.get(), tokens_, rows_, k_, ldy};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        if (!read_strided_rows(y, tokens_, rows_, ldy, o.f)) o.error = "kernel wrote outside y's rows";
        if (!w.guards_intact() || !x.guards_intact()) o.error = "kernel wrote into its inputs' guards";
        return o;
    }

private:
    Kind kind_;
    int64_t rows_, k_, tokens_;
    std::string text_;
    std::vector<uint8_t> w_, x_;
};

std::vector<CasePtr> make_cases(Kind kind, Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    struct Shape {
        int64_t rows, k, tokens;
    };
    const int64_t b = block_size(kind);
    // Block counts below, at and past 16 (one dot16 lane each) and odd row counts.
    std::vector<Shape> shapes = {{1, b, 1}, {3, 5 * b, 1}, {17, 16 * b, 2}, {33, 19 * b, 3}, {7, 40 * b, 1}};
    if (level == Level::kFull) shapes.insert(shapes.end(), {{257, 2048, 1}, {67, 4096, 3}, {61, 2560, 9}});
    for (const Shape& s : shapes)
        cases.push_back(
            std::make_unique<BlockMatmulCase>(rng, kind, s.rows, s.k, s.tokens, Acts::kRandom, Acts::kRandom, false));
    for (Acts w : {Acts::kMinNeg, Acts::kMaxPos, Acts::kAlternating, Acts::kZero})
        for (Acts a : {Acts::kMinNeg, Acts::kMaxPos, Acts::kSpike})
            cases.push_back(std::make_unique<BlockMatmulCase>(rng, kind, 5, 18 * b, 2, w, a, false));
    cases.push_back(std::make_unique<BlockMatmulCase>(rng, kind, 9, 21 * b, 2, Acts::kRandom, Acts::kRandom, true));
    return cases;
}

}  // namespace

std::vector<CasePtr> make_q8_0_matmul_cases(Level level, uint64_t seed) { return make_cases(Kind::kQ8_0, level, seed); }
std::vector<CasePtr> make_q6_k_matmul_cases(Level level, uint64_t seed) { return make_cases(Kind::kQ6_K, level, seed); }

}  // namespace bitnet::parity
