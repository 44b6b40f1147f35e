// SPDX-License-Identifier: MIT
// QUANTIZE_ROWS_Q8 cases (ABI 1.6): F16 rows to int8 rows, a scale and a sum
// each. Every step is one float operation the header names, so codes, scales
// and sums must match the reference exactly. Rows include odd lengths (SIMD
// tails), subnormals, infinities, NaNs (taken as 0), all-zero rows and values
// that land on half-way points.
#include <sstream>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

class QuantizeRowsCase : public Case {
public:
    QuantizeRowsCase(Rng& rng, int64_t rows, int64_t k, bool specials, const char* what)
        : rows_(rows), k_(k), w_(make_f16(rng, rows * k, 0.05f, specials)) {
        for (int64_t r = 0; r < rows; ++r) {
            uint16_t* row = w_.data() + r * k;
            if (r % 7 == 3)
                for (int64_t i = 0; i < k; ++i) row[i] = 0;  // an all-zero row: scale 0
            if (r % 5 == 1 && k > 2) {
                row[0] = float_to_f16_bits(127.0f);  // amax 127: inv 1, so x.5 values tie
                row[1] = float_to_f16_bits(2.5f);
                row[2] = float_to_f16_bits(-3.5f);
            }
        }
        std::ostringstream s;
        s << "rows=" << rows << " k=" << k << " " << what;
        text_ = s.str();
    }
    std::string describe() const override { return text_; }
    int64_t extent() const override { return rows_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<uint16_t> w(w_.begin(), w_.end(), uint16_t{0x7E01});
        Guarded<int8_t> q(static_cast<size_t>(rows_ * k_), int8_t{0x5A}, int8_t{0x5A});
        Guarded<float> scale(static_cast<size_t>(rows_), guard_nan(), guard_nan());
        Guarded<int32_t> sum(static_cast<size_t>(rows_), 0x5A5A5A5A, 0x5A5A5A5A);
        bitnet_kp_quantize_rows_args args{sizeof(args), w.get(), q.get(), scale.get(), sum.get(), rows_, k_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs out;
        out.f.assign(scale.get(), scale.get() + rows_);
        out.i.assign(q.get(), q.get() + rows_ * k_);
        out.i.insert(out.i.end(), sum.get(), sum.get() + rows_);
        if (!w.guards_intact() || !q.guards_intact() || !scale.guards_intact() || !sum.guards_intact())
            out.error = "kernel wrote outside its outputs";
        return out;
    }

private:
    int64_t rows_, k_;
    std::string text_;
    std::vector<uint16_t> w_;
};

}  // namespace

std::vector<CasePtr> make_quantize_rows_q8_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    struct Shape {
        int64_t rows, k;
    };
    std::vector<Shape> shapes = {{1, 1}, {3, 7}, {17, 31}, {9, 64}, {33, 100}, {5, 2048}, {67, 2560}};
    if (level == Level::kFull) shapes.insert(shapes.end(), {{257, 2560}, {31, 4096 + 13}});
    for (const Shape& s : shapes) {
        cases.push_back(std::make_unique<QuantizeRowsCase>(rng, s.rows, s.k, false, "normal halves"));
        cases.push_back(std::make_unique<QuantizeRowsCase>(rng, s.rows, s.k, true, "with subnormal/inf/nan"));
    }
    return cases;
}

}  // namespace bitnet::parity
