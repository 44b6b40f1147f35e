// SPDX-License-Identifier: MIT
#include "compare.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

namespace bitnet::parity {

float guard_nan() {
    const uint32_t bits = 0x7FA5A5A5u;
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
}

namespace {

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

bool float_matches(float ref, float got, const std::vector<float>& tol, size_t i) {
    if (std::isnan(ref) || std::isnan(got)) return std::isnan(ref) && std::isnan(got);
    if (tol.empty()) return same_bits(ref, got);
    if (std::isinf(ref) || std::isinf(got)) return ref == got;
    return std::fabs(static_cast<double>(got) - static_cast<double>(ref)) <= static_cast<double>(tol[i]);
}

constexpr int kShown = 6;

}  // namespace

std::string compare_outputs(const Outputs& ref, const Outputs& got, const std::vector<float>& tol) {
    if (!got.error.empty()) return got.error;
    if (ref.f.size() != got.f.size() || ref.i.size() != got.i.size()) return "output sizes differ";
    std::ostringstream out;
    out.precision(9);
    size_t bad_f = 0;
    double worst = 0.0;
    for (size_t i = 0; i < ref.f.size(); ++i) {
        if (float_matches(ref.f[i], got.f[i], tol, i)) continue;
        if (bad_f < kShown) {
            out << "\n    float[" << i << "]: expected " << ref.f[i] << ", got " << got.f[i];
            if (!tol.empty()) out << ", allowed +-" << tol[i];
        }
        const double d = std::fabs(static_cast<double>(got.f[i]) - ref.f[i]);
        if (d > worst || std::isnan(d)) worst = d;
        ++bad_f;
    }
    size_t bad_i = 0;
    for (size_t i = 0; i < ref.i.size(); ++i) {
        if (ref.i[i] == got.i[i]) continue;
        if (bad_i < kShown) out << "\n    int[" << i << "]: expected " << ref.i[i] << ", got " << got.i[i];
        ++bad_i;
    }
    if (bad_f == 0 && bad_i == 0) return "";
    std::ostringstream head;
    if (bad_f) {
        head << bad_f << " of " << ref.f.size() << " floats "
             << (tol.empty() ? "not bitwise equal" : "out of tolerance") << " (largest |diff| " << worst << ")";
    }
    if (bad_i) head << (bad_f ? ", " : "") << bad_i << " of " << ref.i.size() << " integers differ";
    head << ':';
    return head.str() + out.str();
}

bool read_strided_rows(const Guarded<float>& y, int64_t n_tokens, int64_t rows, int64_t ldy, std::vector<float>& out) {
    bool ok = y.guards_intact();
    const float g = guard_nan();
    for (int64_t t = 0; t < n_tokens; ++t) {
        out.insert(out.end(), y.get() + t * ldy, y.get() + t * ldy + rows);
        for (int64_t r = rows; r < ldy; ++r) ok = ok && std::memcmp(&y.get()[t * ldy + r], &g, sizeof g) == 0;
    }
    return ok;
}

}  // namespace bitnet::parity
