// SPDX-License-Identifier: MIT
// cpu-scalar, the reference every other plugin is held to, checked against
// straightforward computations written here from FORMAT.md and the ABI header:
// double-precision formulas, the compiler's _Float16 for binary16, and the I2_S
// layout decoded element by element. Each tolerance counts the float roundings
// the kernel is allowed to make.
#define BOOST_TEST_MODULE scalar_reference
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>

#include "cpu_features.hpp"
#include "i2s_problem.hpp"
#include "parity_core.hpp"

namespace bp = bitnet::parity;
using bp::kU;

namespace {

const bitnet_kp_kernel& scalar_kernel(uint32_t op) {
    static const bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, bp::detect_cpu_features());
    const bp::LoadedPlugin* p = bp::find_plugin(set, bp::kReferencePlugin);
    BOOST_TEST_REQUIRE(p != nullptr, "cpu-scalar not found in " BITNET_TEST_PLUGIN_DIR);
    const bitnet_kp_kernel* k = bp::find_kernel(*p, op);
    BOOST_TEST_REQUIRE(k != nullptr);
    return *k;
}

template <typename Args>
void run_all(uint32_t op, const Args& args, int64_t extent) {
    scalar_kernel(op).run(&args, 0, extent);
}

// The exact value of y for one (token, row): an integer dot in double.
double exact_ternary(const bp::I2sProblem& p, int64_t t, int64_t r) {
    double acc = 0.0;
    for (int64_t i = 0; i < p.k; ++i) acc += bp::weight_at(p.data(), p.k, r, i) * p.q[static_cast<size_t>(t * p.k + i)];
    return acc / p.act_scale[static_cast<size_t>(t)] * p.wscale;
}

// q for one element as the spec defines it: x*s rounded in float, then half to
// even decided by hand (floor and compare), then clamped.
int expected_q(float x, float s) {
    const float v = x * s;
    const double f = std::floor(static_cast<double>(v));
    const double frac = static_cast<double>(v) - f;
    double r = frac > 0.5 ? f + 1 : frac < 0.5 ? f : (std::fmod(f, 2.0) == 0.0 ? f : f + 1);
    return static_cast<int>(std::fmin(127.0, std::fmax(-128.0, r)));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ternary)

// y = fl(fl(acc / s) * wscale) with acc exact: two roundings of the exact
// value, so |y - exact| <= (2u + u^2)|exact|.
BOOST_AUTO_TEST_CASE(gemv_and_gemm_equal_the_exact_dot_of_decoded_weights_within_two_roundings) {
    bp::Rng rng(7);
    struct Shape {
        int64_t rows, k, tokens;
        bp::Codes codes;
        bp::Acts acts;
    };
    const Shape shapes[] = {{5, 128, 1, bp::Codes::kWithThree, bp::Acts::kRandom},
                            {33, 2560, 1, bp::Codes::kRandom, bp::Acts::kRandom},
                            {9, 6912, 3, bp::Codes::kWithThree, bp::Acts::kAlternating},
                            {4, 8192, 2, bp::Codes::kAllPlus, bp::Acts::kMinNeg},
                            {7, 384, 7, bp::Codes::kZeroRows, bp::Acts::kSpike}};
    for (uint32_t op : {BITNET_OP_I2S_GEMV, BITNET_OP_I2S_GEMM}) {
        for (const Shape& s : shapes) {
            if (op == BITNET_OP_I2S_GEMV && s.tokens != 1) continue;
            const bp::I2sProblem p = bp::make_i2s_problem(rng, s.rows, s.k, s.tokens, s.codes, s.acts, 0.0173f);
            std::string error;
            const std::vector<float> y = bp::run_i2s(scalar_kernel(op), p, {{0, s.rows}}, &error);
            BOOST_TEST_REQUIRE(error.empty(), error);
            for (int64_t t = 0; t < s.tokens; ++t) {
                for (int64_t r = 0; r < s.rows; ++r) {
                    const double want = exact_ternary(p, t, r);
                    const double got = y[static_cast<size_t>(t * s.rows + r)];
                    BOOST_TEST(std::fabs(got - want) <= 2.0000001 * kU * std::fabs(want),
                               "op " << op << " rows=" << s.rows << " k=" << s.k << " t=" << t << " r=" << r
                                     << ": got " << got << ", exact " << want);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(code_three_weighs_nothing_and_scale_zero_gives_zero) {
    bp::Rng rng(3);
    // All codes 3 (bytes 0xFF) must act as an all-zero row.
    bp::I2sProblem p = bp::make_i2s_problem(rng, 3, 256, 1, bp::Codes::kRandom, bp::Acts::kRandom, 0.5f);
    p.set_packed(std::vector<uint8_t>(3 * 256 / 4, 0xFF));
    std::string error;
    std::vector<float> y = bp::run_i2s(scalar_kernel(BITNET_OP_I2S_GEMV), p, {{0, 3}}, &error);
    for (float v : y) BOOST_TEST(v == 0.0f);
    p = bp::make_i2s_problem(rng, 3, 256, 1, bp::Codes::kAllPlus, bp::Acts::kMaxPos, 0.0f);
    y = bp::run_i2s(scalar_kernel(BITNET_OP_I2S_GEMV), p, {{0, 3}}, &error);
    for (float v : y) BOOST_TEST(v == 0.0f);
}

// y = fl(fl(acc * w_scale) / act_scale) with acc exact: two roundings.
BOOST_AUTO_TEST_CASE(q8_matmul_equals_the_exact_int8_dot_within_two_roundings) {
    bp::Rng rng(37);
    const int64_t rows = 19, k = 2560, tokens = 3;
    std::vector<int8_t> w, q;
    std::vector<float> w_scale, act_scale;
    std::vector<int32_t> w_sum;
    std::uniform_real_distribution<float> pick(1e-3f, 1.0f);
    for (int64_t r = 0; r < rows; ++r) {
        const std::vector<int8_t> row = bp::make_acts(rng, k, r % 2 ? bp::Acts::kRandom : bp::Acts::kAlternating);
        w.insert(w.end(), row.begin(), row.end());
        int32_t sum = 0;
        for (int8_t v : row) sum += v;
        w_sum.push_back(sum);
        w_scale.push_back(pick(rng));
    }
    for (int64_t t = 0; t < tokens; ++t) {
        const std::vector<int8_t> row = bp::make_acts(rng, k, t ? bp::Acts::kRandom : bp::Acts::kMinNeg);
        q.insert(q.end(), row.begin(), row.end());
        act_scale.push_back(127.0f / pick(rng));
    }
    std::vector<float> y(static_cast<size_t>(tokens * rows));
    bitnet_kp_q8_matmul_args a{sizeof a, w.data(), w_scale.data(), w_sum.data(), q.data(), act_scale.data(),
                               y.data(), tokens, rows, k, rows};
    run_all(BITNET_OP_Q8_MATMUL, a, rows);
    for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
            double acc = 0.0;
            for (int64_t i = 0; i < k; ++i) acc += static_cast<double>(w[static_cast<size_t>(r * k + i)]) * q[static_cast<size_t>(t * k + i)];
            const double want = acc * w_scale[static_cast<size_t>(r)] / act_scale[static_cast<size_t>(t)];
            const double got = y[static_cast<size_t>(t * rows + r)];
            BOOST_TEST(std::fabs(got - want) <= 2.0000001 * kU * std::fabs(want), "t=" << t << " r=" << r);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(quantize)

BOOST_AUTO_TEST_CASE(quantize_follows_the_absmax_definition_for_every_pattern) {
    bp::Rng rng(11);
    for (bp::Pattern pat : {bp::Pattern::kNormal, bp::Pattern::kWide, bp::Pattern::kHuge, bp::Pattern::kAllEqual,
                            bp::Pattern::kSpike, bp::Pattern::kZero, bp::Pattern::kTiny, bp::Pattern::kTies}) {
        for (int64_t k : {1, 33, 2560}) {
            const std::vector<float> x = bp::make_floats(rng, k, pat);
            std::vector<int8_t> q(static_cast<size_t>(k));
            float scale = 0.0f;
            int32_t sum = 0;
            bitnet_kp_quantize_args a{sizeof a, x.data(), q.data(), &scale, &sum, 1, k};
            run_all(BITNET_OP_QUANTIZE_I8, a, 1);
            double amax = 0.0;
            for (float v : x) amax = std::max(amax, std::fabs(static_cast<double>(v)));
            const float want_scale = static_cast<float>(127.0 / std::max(1e-5, amax));
            BOOST_TEST(scale == want_scale, bp::pattern_name(pat) << " k=" << k);
            int32_t want_sum = 0;
            bool saw_127 = false;
            for (int64_t i = 0; i < k; ++i) {
                const int want = expected_q(x[static_cast<size_t>(i)], want_scale);
                want_sum += want;
                BOOST_TEST(q[static_cast<size_t>(i)] == want, bp::pattern_name(pat) << " k=" << k << " x[" << i
                                                              << "]=" << x[static_cast<size_t>(i)]);
                saw_127 = saw_127 || std::abs(q[static_cast<size_t>(i)]) == 127;
            }
            BOOST_TEST(sum == want_sum);
            // The largest magnitude maps to +-127 unless the 1e-5 floor applies.
            if (amax >= 1e-5) BOOST_TEST(saw_127, bp::pattern_name(pat) << " k=" << k);
        }
    }
}

BOOST_AUTO_TEST_CASE(quantize_rounds_exact_halves_to_even) {
    // amax = 127 makes s exactly 1, so x*s is x and every .5 is a true tie.
    const std::vector<float> x = {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 126.5f, 127.0f};
    const std::vector<int> want = {0, 2, 2, 0, -2, -2, 126, 127};
    std::vector<int8_t> q(x.size());
    float scale = 0.0f;
    int32_t sum = 0;
    bitnet_kp_quantize_args a{sizeof a, x.data(), q.data(), &scale, &sum, 1, static_cast<int64_t>(x.size())};
    run_all(BITNET_OP_QUANTIZE_I8, a, 1);
    BOOST_TEST(scale == 1.0f);
    for (size_t i = 0; i < x.size(); ++i) BOOST_TEST(q[i] == want[i], "x=" << x[i]);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(float_ops)

// Against x / sqrt(mean(x^2) + eps) * w in double. The kernel rounds the
// squares (u, halved by the sqrt), the mean (u/2 after the sqrt), mean + eps
// (u/2), sqrt (u), the reciprocal (u) and two products (2u): <= 5.5u relative;
// we allow 8u plus the smallest normal.
BOOST_AUTO_TEST_CASE(rmsnorm_matches_the_double_formula_within_its_roundings) {
    bp::Rng rng(5);
    for (bp::Pattern pat : {bp::Pattern::kNormal, bp::Pattern::kWide, bp::Pattern::kSpike, bp::Pattern::kZero,
                            bp::Pattern::kAllEqual}) {
        for (int64_t n : {1, 33, 2560, 8192}) {
            const std::vector<float> x = bp::make_floats(rng, 2 * n, pat);
            const std::vector<float> w = bp::make_floats(rng, n, bp::Pattern::kNormal);
            std::vector<float> y(x.size());
            const float eps = 1e-5f;
            bitnet_kp_rmsnorm_args a{sizeof a, x.data(), w.data(), y.data(), 2, n, eps};
            run_all(BITNET_OP_RMSNORM, a, 2);
            for (int64_t t = 0; t < 2; ++t) {
                double ss = 0.0;
                for (int64_t i = 0; i < n; ++i) ss += static_cast<double>(x[t * n + i]) * x[t * n + i];
                const double inv = 1.0 / std::sqrt(ss / static_cast<double>(n) + eps);
                for (int64_t i = 0; i < n; ++i) {
                    const double want = x[t * n + i] * inv * w[i];
                    const double got = y[static_cast<size_t>(t * n + i)];
                    BOOST_TEST(std::fabs(got - want) <= 8 * kU * std::fabs(want) + 1.2e-38,
                               bp::pattern_name(pat) << " n=" << n << " [" << t << "," << i << "] got " << got
                                                     << " want " << want);
                }
            }
        }
    }
}

// Against the closed form theta_i = pos * base^(-2i/n_rot) in double. The
// kernel's theta comes from a powf result (<= 1 ulp) multiplied i times in
// float, so its relative error grows to about 2(i+1)u; the angle error is
// theta_i times that, and cos/sin plus the products and sum add <= 4u. Bound:
// (|x0| + |x1|) ((4i + 4) u theta_i + 8u), i.e. twice the estimate.
BOOST_AUTO_TEST_CASE(rope_matches_the_closed_form_rotation_and_leaves_the_rest_alone) {
    bp::Rng rng(9);
    struct Shape {
        int64_t heads, head_dim, n_rot;
        float base;
        int32_t max_pos;
    };
    for (const Shape& s : {Shape{2, 64, 64, 10000.0f, 300}, Shape{3, 128, 128, 500000.0f, 4095},
                           Shape{2, 128, 64, 500000.0f, 2000}}) {
        const int64_t tokens = 5;
        std::vector<int32_t> pos = {0, 1, 17, s.max_pos - 1, s.max_pos};
        const std::vector<float> x0 = bp::make_floats(rng, tokens * s.heads * s.head_dim, bp::Pattern::kNormal);
        std::vector<float> x = x0;
        bitnet_kp_rope_args a{sizeof a, x.data(), pos.data(), tokens, s.heads, s.head_dim, s.n_rot, s.base};
        run_all(BITNET_OP_ROPE_NEOX, a, tokens);
        const int64_t half = s.n_rot / 2;
        for (int64_t t = 0; t < tokens; ++t) {
            for (int64_t h = 0; h < s.heads; ++h) {
                const size_t row = static_cast<size_t>((t * s.heads + h) * s.head_dim);
                for (int64_t i = 0; i < half; ++i) {
                    const double theta = pos[t] * std::pow(static_cast<double>(s.base), -2.0 * i / s.n_rot);
                    const double a0 = x0[row + i], a1 = x0[row + i + half];
                    const double tol = (std::fabs(a0) + std::fabs(a1)) * ((4.0 * i + 4) * kU * theta + 8 * kU);
                    const double want0 = a0 * std::cos(theta) - a1 * std::sin(theta);
                    const double want1 = a0 * std::sin(theta) + a1 * std::cos(theta);
                    BOOST_TEST(std::fabs(x[row + i] - want0) <= tol, "pos " << pos[t] << " i " << i);
                    BOOST_TEST(std::fabs(x[row + i + half] - want1) <= tol, "pos " << pos[t] << " i " << i);
                }
                for (int64_t i = s.n_rot; i < s.head_dim; ++i) BOOST_TEST(x[row + i] == x0[row + i]);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(relu2_gate_and_add_are_the_plain_float_expressions) {
    bp::Rng rng(13);
    const std::vector<float> a = bp::make_floats(rng, 1001, bp::Pattern::kWide);
    const std::vector<float> b = bp::make_floats(rng, 1001, bp::Pattern::kWide);
    std::vector<float> gate(a.size()), sum(a.size());
    bitnet_kp_binary_args g{sizeof g, a.data(), b.data(), gate.data(), 1001};
    bitnet_kp_binary_args s{sizeof s, a.data(), b.data(), sum.data(), 1001};
    run_all(BITNET_OP_RELU2_GATE, g, 1001);
    run_all(BITNET_OP_ADD, s, 1001);
    for (size_t i = 0; i < a.size(); ++i) {
        const float r = a[i] > 0 ? a[i] : 0.0f;
        BOOST_TEST(gate[i] == (r * r) * b[i], "a=" << a[i] << " b=" << b[i]);
        BOOST_TEST(sum[i] == a[i] + b[i]);
        if (a[i] <= 0) BOOST_TEST(gate[i] == 0.0f);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(f16)

BOOST_AUTO_TEST_CASE(embed_widens_every_binary16_value_exactly) {
    // 256 rows of 256: every bit pattern once; row ids reversed.
    std::vector<uint16_t> table(65536);
    for (uint32_t i = 0; i < 65536; ++i) table[i] = static_cast<uint16_t>(i);
    std::vector<int32_t> ids(256);
    for (int32_t t = 0; t < 256; ++t) ids[static_cast<size_t>(t)] = 255 - t;
    std::vector<float> out(65536);
    bitnet_kp_embed_args a{sizeof a, table.data(), ids.data(), out.data(), 256, 256, 256};
    run_all(BITNET_OP_EMBED_F16, a, 256);
    int bad = 0;
    for (int32_t t = 0; t < 256; ++t) {
        for (int32_t i = 0; i < 256; ++i) {
            const uint16_t h = table[static_cast<size_t>(ids[static_cast<size_t>(t)] * 256 + i)];
            const float want = bp::f16_bits_to_float(h);
            const float got = out[static_cast<size_t>(t * 256 + i)];
            const bool ok = std::isnan(want) ? std::isnan(got) : std::memcmp(&want, &got, 4) == 0;
            if (!ok && bad++ < 5) BOOST_TEST_ERROR("f16 0x" << std::hex << h << ": got " << got << " want " << want);
        }
    }
    BOOST_TEST(bad == 0);
}

// With w = 1 and k = 1, y is the input rounded to binary16 and widened: it
// must equal the compiler's round-to-nearest-even conversion for ties,
// subnormals, overflow and random values.
BOOST_AUTO_TEST_CASE(f16_matmul_rounds_its_input_to_nearest_even_binary16) {
    std::vector<float> x = {1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65504.0f, 65519.99f, 65520.0f, -65520.0f,
                            0x1p-24f, 0x1p-25f, 0x1.8p-25f, 0x1p-26f, 3 * 0x1p-25f, -0x1p-25f, 1e-30f, 1e30f,
                            0.0f, -0.0f, std::numeric_limits<float>::infinity(), 0x1.ffcp-15f, 0x1.ffep-15f};
    bp::Rng rng(17);
    for (int i = 0; i < 4000; ++i) {
        uint32_t bits = static_cast<uint32_t>(rng());
        bits = (bits & 0x807FFFFFu) | ((100u + bits % 60u) << 23);  // exponents around binary16's range
        float f;
        std::memcpy(&f, &bits, 4);
        x.push_back(f);
    }
    const uint16_t one = 0x3C00;
    const int64_t n = static_cast<int64_t>(x.size());
    std::vector<float> y(x.size());
    bitnet_kp_f16_matmul_args a{sizeof a, &one, x.data(), y.data(), n, 1, 1, 1};
    run_all(BITNET_OP_F16_MATMUL, a, 1);
    for (size_t i = 0; i < x.size(); ++i) {
        const float want = bp::round_to_f16(x[i]);
        // The sum starts from +0, so a -0 input shows as +0: compare values.
        BOOST_TEST(y[i] == want, "x=" << x[i] << " got " << y[i] << " want " << want);
    }
}

// Products of halves are exact in float, so only the k-term float sum rounds:
// |y - exact| <= gamma(k) sum |w x|.
BOOST_AUTO_TEST_CASE(f16_matmul_is_the_dot_of_halves_within_the_summation_bound) {
    bp::Rng rng(19);
    const int64_t rows = 37, k = 2560, tokens = 3;
    const std::vector<uint16_t> w = bp::make_f16(rng, rows * k, 0.05f, false);
    const std::vector<float> x = bp::make_floats(rng, tokens * k, bp::Pattern::kWide);
    std::vector<float> y(static_cast<size_t>(tokens * rows));
    bitnet_kp_f16_matmul_args a{sizeof a, w.data(), x.data(), y.data(), tokens, rows, k, rows};
    run_all(BITNET_OP_F16_MATMUL, a, rows);
    for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t r = 0; r < rows; ++r) {
            double exact = 0.0, mag = 0.0;
            for (int64_t i = 0; i < k; ++i) {
                const double p = static_cast<double>(bp::f16_bits_to_float(w[static_cast<size_t>(r * k + i)])) *
                                 bp::round_to_f16(x[static_cast<size_t>(t * k + i)]);
                exact += p;
                mag += std::fabs(p);
            }
            BOOST_TEST(std::fabs(y[static_cast<size_t>(t * rows + r)] - exact) <= bp::gamma_n(k) * mag,
                       "t=" << t << " r=" << r);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
