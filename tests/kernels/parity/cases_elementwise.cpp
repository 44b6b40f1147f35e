// SPDX-License-Identifier: MIT
// Elementwise ADD, RELU2_GATE and SILU_GATE: each output is a fixed sequence of
// correctly rounded operations (SILU_GATE's exp is the header's exp_ref), so
// kernels must match bit for bit.
#include <limits>
#include <sstream>
#include <string>

#include "op_specs.hpp"

namespace bitnet::parity {
namespace {

enum class Alias { kNone, kOutIsA, kOutIsB };

class BinaryCase : public Case {
public:
    BinaryCase(Rng& rng, int64_t n, Pattern pa, Pattern pb, Alias alias)
        : n_(n), alias_(alias), a_(make_floats(rng, n, pa)), b_(make_floats(rng, n, pb)) {
        // Sprinkle signed zeros and exact negatives of b into a.
        for (int64_t i = 0; i < n; i += 11) a_[static_cast<size_t>(i)] = (i % 2) ? -0.0f : -b_[static_cast<size_t>(i)];
        std::ostringstream s;
        s << "n=" << n << " a=" << pattern_name(pa) << " b=" << pattern_name(pb)
          << (alias == Alias::kOutIsA ? " out=a" : alias == Alias::kOutIsB ? " out=b" : "");
        text_ = s.str();
    }
    // a_ given: the values where SILU_GATE's exp clamps, overflows or meets NaN.
    BinaryCase(Rng& rng, std::vector<float> a, std::string what)
        : n_(static_cast<int64_t>(a.size())), alias_(Alias::kNone), text_(std::move(what)), a_(std::move(a)),
          b_(make_floats(rng, n_, Pattern::kNormal)) {}
    std::string describe() const override { return text_; }
    int64_t extent() const override { return n_; }
    Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const override {
        Guarded<float> a(a_.begin(), a_.end(), guard_nan());
        Guarded<float> b(b_.begin(), b_.end(), guard_nan());
        Guarded<float> out(a_.size(), guard_nan(), guard_nan());
        float* dst = alias_ == Alias::kOutIsA ? a.get() : alias_ == Alias::kOutIsB ? b.get() : out.get();
        bitnet_kp_binary_args args{sizeof(bitnet_kp_binary_args), a.get(), b.get(), dst, n_};
        for (const Range& c : chunks) kernel.run(&args, c.begin, c.end);
        Outputs o;
        o.f.assign(dst, dst + n_);
        if (!a.guards_intact() || !b.guards_intact() || !out.guards_intact()) o.error = "kernel wrote outside out";
        return o;
    }

private:
    int64_t n_;
    Alias alias_;
    std::string text_;
    std::vector<float> a_;
    std::vector<float> b_;
};

std::vector<CasePtr> make_binary_cases(Level level, uint64_t seed) {
    Rng rng(seed);
    std::vector<CasePtr> cases;
    const std::vector<int64_t> ns = level == Level::kFull ? std::vector<int64_t>{1, 7, 33, 1000, 6912, 20001}
                                                          : std::vector<int64_t>{1, 7, 33, 1000};
    for (int64_t n : ns) cases.push_back(std::make_unique<BinaryCase>(rng, n, Pattern::kNormal, Pattern::kWide, Alias::kNone));
    cases.push_back(std::make_unique<BinaryCase>(rng, 257, Pattern::kHuge, Pattern::kHuge, Alias::kNone));
    cases.push_back(std::make_unique<BinaryCase>(rng, 257, Pattern::kTiny, Pattern::kWide, Alias::kNone));
    cases.push_back(std::make_unique<BinaryCase>(rng, 129, Pattern::kZero, Pattern::kNormal, Alias::kNone));
    cases.push_back(std::make_unique<BinaryCase>(rng, 300, Pattern::kWide, Pattern::kNormal, Alias::kOutIsA));
    cases.push_back(std::make_unique<BinaryCase>(rng, 300, Pattern::kNormal, Pattern::kWide, Alias::kOutIsB));
    return cases;
}

}  // namespace

std::vector<CasePtr> make_relu2_gate_cases(Level level, uint64_t seed) { return make_binary_cases(level, seed); }
std::vector<CasePtr> make_silu_gate_cases(Level level, uint64_t seed) {
    std::vector<CasePtr> cases = make_binary_cases(level, seed);
    Rng rng(seed ^ 0x5117u);
    const float inf = std::numeric_limits<float>::infinity();
    std::vector<float> edges = {std::numeric_limits<float>::quiet_NaN(), inf, -inf, -0.0f, 0.0f, 1e-45f, -1e-45f,
                                88.7f, -88.7f, 89.0f, -89.0f, -89.5f, -103.9f, -104.0f, 103.9f, 17.0f, -17.0f,
                                16.6f, -16.6f, 745.0f, -746.5f, 3e38f, -3e38f};
    // Odd length and a non-multiple of every vector width: tails run too.
    for (int i = 0; i < 40; ++i) edges.push_back(static_cast<float>(i) * 2.3f - 46.0f);
    cases.push_back(std::make_unique<BinaryCase>(rng, edges, "n=" + std::to_string(edges.size()) +
                                                                 " a=NaN, +-inf, +-0, the exp clamp and overflow edges"));
    return cases;
}
std::vector<CasePtr> make_add_cases(Level level, uint64_t seed) { return make_binary_cases(level, seed); }

}  // namespace bitnet::parity
