// SPDX-License-Identifier: MIT
// cpu-avx2's own tricky paths against the definitions in kernel_plugin.h,
// computed here independently: vpmaddubsw saturation limits, code 3, row counts
// that leave a partial 4-row tile, K at the smallest size and across the GEMM's
// 2048-column tile, token counts around its 64-token tile, quantization ties and
// clamps, and the tails of the float kernels. Skipped (visibly) without AVX2.
#define BOOST_TEST_MODULE avx2_kernel_edges
#include <bitnet/cpu_features.hpp>
#include <bitnet/kernel_plugin.h>
#include <dlfcn.h>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

namespace utf = boost::unit_test;

constexpr uint64_t kAvx2Set =
    BITNET_CPU_X86_64 | BITNET_CPU_AVX | BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C;

struct CpuHasAvx2 {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        boost::test_tools::assertion_result r((bitnet::kernels::detect_cpu().usable & kAvx2Set) == kAvx2Set);
        r.message() << "skipped: this CPU (or its OS) lacks AVX2, FMA or F16C";
        return r;
    }
};

const bitnet_kp_kernel& avx2_kernel(uint32_t op) {
    static const bitnet_kp_plugin* plugin = [] {
        const std::string path = std::string(BITNET_TEST_PLUGIN_DIR) + "/libbitnet-cpu-avx2.so";
        void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // stays loaded
        BOOST_TEST_REQUIRE(handle != nullptr, "dlopen " << path << ": " << dlerror());
        auto entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
        BOOST_TEST_REQUIRE(entry != nullptr);
        const bitnet_kp_host host{
            sizeof(bitnet_kp_host), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR, kAvx2Set, "test", "0"};
        const bitnet_kp_plugin* p = nullptr;
        BOOST_TEST_REQUIRE(entry(&host, &p) == BITNET_KP_OK);
        return p;
    }();
    for (uint32_t i = 0; i < plugin->n_kernels; ++i) {
        if (plugin->kernels[i].op == op) return plugin->kernels[i];
    }
    BOOST_FAIL("cpu-avx2 has no kernel for op " << op);
    std::abort();
}

float f16_to_float(uint16_t bits) {
    _Float16 h;
    std::memcpy(&h, &bits, sizeof h);
    return static_cast<float>(h);
}

uint16_t float_to_f16(float f) {
    const _Float16 h = static_cast<_Float16>(f);
    uint16_t bits;
    std::memcpy(&bits, &h, sizeof bits);
    return bits;
}

// ---- ternary matmul ----------------------------------------------------------

// I2_S layout from FORMAT.md: row r at r*k/4; byte b of block B holds elements
// 128B+b, +32, +64, +96 in bits 7..6, 5..4, 3..2, 1..0.
std::vector<uint8_t> pack_i2s(const std::vector<uint8_t>& codes, int64_t rows, int64_t k) {
    std::vector<uint8_t> out(static_cast<size_t>(rows * k / 4));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t i = 0; i < k; ++i) {
            const int64_t block = i / 128, within = i % 128, group = within / 32, b = within % 32;
            out[static_cast<size_t>(r * k / 4 + block * 32 + b)] |=
                static_cast<uint8_t>(codes[static_cast<size_t>(r * k + i)] << (6 - 2 * group));
        }
    return out;
}

enum class CodeFill { kRandomWithThree, kAllPlus, kAllMinus, kAllThree };
enum class ActFill { kRandom, kMaxPos, kMinNeg, kAlternating };

struct Ternary {
    int64_t rows, k, tokens;
    std::vector<uint8_t> codes, packed;
    std::vector<int8_t> q;
    std::vector<float> act_scale;
    std::vector<int32_t> act_sum;
    float wscale = 0.75f;
};

Ternary make_ternary(int64_t rows, int64_t k, int64_t tokens, CodeFill cf, ActFill af, uint32_t seed) {
    std::mt19937 rng(seed);
    Ternary p{rows, k, tokens, {}, {}, {}, {}, {}};
    p.codes.resize(static_cast<size_t>(rows * k));
    for (auto& c : p.codes) {
        switch (cf) {
            case CodeFill::kRandomWithThree:
                c = static_cast<uint8_t>(rng() % 4);
                break;
            case CodeFill::kAllPlus:
                c = 2;
                break;
            case CodeFill::kAllMinus:
                c = 0;
                break;
            case CodeFill::kAllThree:
                c = 3;
                break;
        }
    }
    p.packed = pack_i2s(p.codes, rows, k);
    p.q.resize(static_cast<size_t>(tokens * k));
    for (size_t i = 0; i < p.q.size(); ++i) {
        switch (af) {
            case ActFill::kRandom:
                p.q[i] = static_cast<int8_t>(static_cast<int>(rng() % 256) - 128);
                break;
            case ActFill::kMaxPos:
                p.q[i] = 127;
                break;
            case ActFill::kMinNeg:
                p.q[i] = -128;
                break;
            case ActFill::kAlternating:
                p.q[i] = (i % 2) ? int8_t{-128} : int8_t{127};
                break;
        }
    }
    for (int64_t t = 0; t < tokens; ++t) {
        int32_t sum = 0;
        for (int64_t i = 0; i < k; ++i) sum += p.q[static_cast<size_t>(t * k + i)];
        p.act_sum.push_back(sum);
        p.act_scale.push_back(127.0f / (1.5f + static_cast<float>(t)));
    }
    return p;
}

// kernel_plugin.h: y = ((float)dot(w, q)) / act_scale * w.scale, w in {-1,0,+1}
// with code 3 reading as 0.
std::vector<float> ternary_definition(const Ternary& p) {
    static constexpr int kWeight[4] = {-1, 0, 1, 0};
    std::vector<float> y(static_cast<size_t>(p.tokens * p.rows));
    for (int64_t t = 0; t < p.tokens; ++t)
        for (int64_t r = 0; r < p.rows; ++r) {
            int64_t dot = 0;
            for (int64_t i = 0; i < p.k; ++i)
                dot += kWeight[p.codes[static_cast<size_t>(r * p.k + i)]] *
                       p.q[static_cast<size_t>(t * p.k + i)];
            y[static_cast<size_t>(t * p.rows + r)] =
                static_cast<float>(dot) / p.act_scale[static_cast<size_t>(t)] * p.wscale;
        }
    return y;
}

// Runs the kernel over the rows in two calls split at `split`, with ldy = rows.
std::vector<float> run_ternary(const bitnet_kp_kernel& kernel, const Ternary& p, int64_t split) {
    const bitnet_kp_i2s_weights w{
        sizeof(bitnet_kp_i2s_weights), p.packed.data(), nullptr, p.rows, p.k, p.wscale};
    std::vector<float> y(static_cast<size_t>(p.tokens * p.rows), std::nanf(""));
    const bitnet_kp_i2s_matmul_args args{sizeof(args),     &w,       p.q.data(), p.act_scale.data(),
                                         p.act_sum.data(), y.data(), p.tokens,   p.rows};
    kernel.run(&args, 0, split);
    kernel.run(&args, split, p.rows);
    return y;
}

void check_ternary(uint32_t op, int64_t rows, int64_t k, int64_t tokens, CodeFill cf, ActFill af) {
    const Ternary p = make_ternary(rows, k, tokens, cf, af, static_cast<uint32_t>(rows * 131 + k + tokens));
    const std::vector<float> want = ternary_definition(p);
    const std::vector<float> got = run_ternary(avx2_kernel(op), p, rows / 2 + 1 > rows ? rows : rows / 2 + 1);
    size_t bad = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        if (std::memcmp(&want[i], &got[i], sizeof(float)) != 0 && bad++ < 3) {
            BOOST_TEST_MESSAGE("token " << i / static_cast<size_t>(rows) << " row "
                                        << i % static_cast<size_t>(rows) << ": want " << want[i] << " got "
                                        << got[i]);
        }
    }
    BOOST_TEST(bad == 0u, "op " << op << " rows " << rows << " k " << k << " tokens " << tokens << " codes "
                                << static_cast<int>(cf) << " acts " << static_cast<int>(af) << ": " << bad
                                << " of " << want.size() << " outputs differ");
}

}  // namespace

BOOST_AUTO_TEST_CASE(ternary_kernels_are_exact_at_the_int16_saturation_limits,
                     *utf::precondition(CpuHasAvx2())) {
    // +2 x 127 and 0/+2 x -128 are the largest vpmaddubsw pair sums (508, -512);
    // the GEMM adds 32 of them in int16 before widening.
    for (uint32_t op : {BITNET_OP_I2S_GEMV, BITNET_OP_I2S_GEMM}) {
        const int64_t tokens = op == BITNET_OP_I2S_GEMV ? 1 : 7;
        for (int64_t k : {128, 8192}) {
            for (CodeFill cf : {CodeFill::kAllPlus, CodeFill::kAllMinus}) {
                for (ActFill af : {ActFill::kMaxPos, ActFill::kMinNeg, ActFill::kAlternating}) {
                    check_ternary(op, 5, k, tokens, cf, af);
                }
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(ternary_kernels_read_code_three_as_zero, *utf::precondition(CpuHasAvx2())) {
    for (uint32_t op : {BITNET_OP_I2S_GEMV, BITNET_OP_I2S_GEMM}) {
        check_ternary(op, 3, 256, 1, CodeFill::kAllThree, ActFill::kMaxPos);
        check_ternary(op, 9, 640, 1, CodeFill::kRandomWithThree, ActFill::kRandom);
    }
}

BOOST_AUTO_TEST_CASE(gemm_is_exact_across_row_column_and_token_tiles, *utf::precondition(CpuHasAvx2())) {
    // Rows 1, 3, 13 leave partial 4-row tiles; K 2176 and 8192 cross the 2048
    // column tile; 64 and 65 tokens fill and overflow one token tile.
    for (int64_t rows : {1, 3, 13}) {
        for (int64_t k : {128, 2176, 8192}) {
            for (int64_t tokens : {1, 7, 64, 65}) {
                if (k == 8192 && tokens > 7 && rows > 3) continue;  // keep the test quick
                check_ternary(BITNET_OP_I2S_GEMM, rows, k, tokens, CodeFill::kRandomWithThree,
                              ActFill::kRandom);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(gemv_is_exact_for_odd_row_counts, *utf::precondition(CpuHasAvx2())) {
    for (int64_t rows : {1, 7, 69}) {
        for (int64_t k : {128, 2560, 8192}) {
            check_ternary(BITNET_OP_I2S_GEMV, rows, k, 1, CodeFill::kRandomWithThree, ActFill::kRandom);
        }
    }
}

// ---- quantization -----------------------------------------------------------

BOOST_AUTO_TEST_CASE(quantize_rounds_ties_to_even_and_matches_the_definition_bitwise,
                     *utf::precondition(CpuHasAvx2())) {
    // Token 0: amax 127 gives s = 1, so x.5 values are exact ties. Token 1: tiny
    // values under the 1e-5 floor. Token 2: huge values. k = 21 exercises the tail.
    const int64_t k = 21;
    std::vector<float> x;
    for (int64_t i = 0; i < k; ++i) x.push_back(i == 0 ? 127.0f : static_cast<float>(i) - 10.5f);
    for (int64_t i = 0; i < k; ++i) x.push_back(static_cast<float>(i % 5) * 1e-7f - 2e-7f);
    for (int64_t i = 0; i < k; ++i)
        x.push_back((i % 2 ? -3e38f : 1e30f) * (static_cast<float>(i % 7) / 7.0f));
    const int64_t tokens = 3;
    std::vector<int8_t> q(x.size(), 99);
    std::vector<float> scale(tokens);
    std::vector<int32_t> sum(tokens);
    const bitnet_kp_quantize_args args{sizeof(args), x.data(), q.data(), scale.data(), sum.data(), tokens, k};
    avx2_kernel(BITNET_OP_QUANTIZE_I8).run(&args, 0, tokens);
    for (int64_t t = 0; t < tokens; ++t) {
        float amax_f = 0.0f;
        for (int64_t i = 0; i < k; ++i)
            amax_f = std::fmax(amax_f, std::fabs(x[static_cast<size_t>(t * k + i)]));
        const float s = static_cast<float>(127.0 / std::fmax(1e-5, static_cast<double>(amax_f)));
        BOOST_TEST(scale[static_cast<size_t>(t)] == s, "token " << t);
        int32_t want_sum = 0;
        for (int64_t i = 0; i < k; ++i) {
            const size_t at = static_cast<size_t>(t * k + i);
            const int want =
                static_cast<int>(std::fmin(127.0f, std::fmax(-128.0f, std::nearbyint(x[at] * s))));
            want_sum += want;
            BOOST_TEST(static_cast<int>(q[at]) == want, "token " << t << " element " << i << " x " << x[at]);
        }
        BOOST_TEST(sum[static_cast<size_t>(t)] == want_sum, "token " << t);
    }
}

// ---- float kernels ------------------------------------------------------------

namespace {

// Runs the kernel on tokens x n inputs and counts outputs that differ from the
// definition: float squares summed in index order in double, float mean.
size_t rmsnorm_mismatches(const std::vector<float>& x, const std::vector<float>& w, int64_t tokens,
                          int64_t n) {
    std::vector<float> y(x.size(), std::nanf(""));
    const bitnet_kp_rmsnorm_args args{sizeof(args), x.data(), w.data(), y.data(), tokens, n, 1e-5f};
    avx2_kernel(BITNET_OP_RMSNORM).run(&args, 0, tokens);
    size_t bad = 0;
    for (int64_t t = 0; t < tokens; ++t) {
        double ss = 0.0;
        for (int64_t i = 0; i < n; ++i) {
            const float v = x[static_cast<size_t>(t * n + i)];
            ss += static_cast<double>(v * v);
        }
        const float inv = 1.0f / std::sqrt(static_cast<float>(ss / static_cast<double>(n)) + 1e-5f);
        for (int64_t i = 0; i < n; ++i) {
            const size_t at = static_cast<size_t>(t * n + i);
            bad += (x[at] * inv) * w[static_cast<size_t>(i)] != y[at];
        }
    }
    return bad;
}

}  // namespace

BOOST_AUTO_TEST_CASE(rmsnorm_matches_the_definition_bitwise_including_tails,
                     *utf::precondition(CpuHasAvx2())) {
    for (int64_t n : {7, 128, 2563}) {
        std::mt19937 rng(static_cast<uint32_t>(n));
        std::normal_distribution<float> dist(0.0f, 3.0f);
        const int64_t tokens = 2;
        std::vector<float> x(static_cast<size_t>(tokens * n)), w(static_cast<size_t>(n));
        for (auto& v : x) v = dist(rng);
        for (auto& v : w) v = dist(rng);
        const size_t bad = rmsnorm_mismatches(x, w, tokens, n);
        BOOST_TEST(bad == 0u, "n " << n << ": " << bad << " outputs differ");
    }
}

BOOST_AUTO_TEST_CASE(rmsnorm_keeps_the_reference_mean_where_summation_order_would_flip_it,
                     *utf::precondition(CpuHasAvx2())) {
    // Squares 16, 2^-20 and six of 2^-50: in index order every 2^-50 is lost and
    // the mean is exactly the float tie 2 + 2^-23 (rounds to 2); summed in the
    // kernel's lanes they survive as 2^-48, the mean rounds up and (at this
    // scale) so does 1/sqrt(mean + eps): the kernel must notice and re-sum.
    std::vector<float> x = {4.0f, 0x1p-10f};
    x.resize(8, 0x1p-25f);
    const std::vector<float> w(8, 1.0f);
    BOOST_TEST(rmsnorm_mismatches(x, w, 1, 8) == 0u);
}

BOOST_AUTO_TEST_CASE(f16_matmul_rounds_the_input_to_f16_and_handles_odd_k, *utf::precondition(CpuHasAvx2())) {
    for (int64_t k : {5, 13, 2565}) {
        const int64_t rows = 7, tokens = 3;
        std::mt19937 rng(static_cast<uint32_t>(k));
        std::normal_distribution<float> dist(0.0f, 1.0f);
        std::vector<uint16_t> w(static_cast<size_t>(rows * k));
        for (auto& v : w) v = float_to_f16(dist(rng));
        // 1 + 2^-12 is not an f16: rounded first it becomes exactly 1.
        std::vector<float> x(static_cast<size_t>(tokens * k));
        for (auto& v : x) v = dist(rng) + (rng() % 2 ? 1.0f / 4096.0f : 0.0f);
        std::vector<float> y(static_cast<size_t>(tokens * rows), std::nanf(""));
        const bitnet_kp_f16_matmul_args args{sizeof(args), w.data(), x.data(), y.data(),
                                             tokens,       rows,     k,        rows};
        const auto& kernel = avx2_kernel(BITNET_OP_F16_MATMUL);
        kernel.run(&args, 0, 3);
        kernel.run(&args, 3, rows);
        for (int64_t t = 0; t < tokens; ++t)
            for (int64_t r = 0; r < rows; ++r) {
                double want = 0.0, magnitude = 0.0;
                for (int64_t i = 0; i < k; ++i) {
                    const double prod = static_cast<double>(f16_to_float(w[static_cast<size_t>(r * k + i)])) *
                                        f16_to_float(float_to_f16(x[static_cast<size_t>(t * k + i)]));
                    want += prod;
                    magnitude += std::fabs(prod);
                }
                // Any-order float summation: |error| <= (k-1) u sum|products|.
                const double tol = static_cast<double>(k) * 0x1p-24 * magnitude;
                const double got = y[static_cast<size_t>(t * rows + r)];
                BOOST_TEST(std::fabs(got - want) <= tol, "k " << k << " token " << t << " row " << r
                                                              << ": got " << got << " want " << want);
            }
    }
}

BOOST_AUTO_TEST_CASE(attention_handles_head_dim_tails_gqa_and_underflowing_scores,
                     *utf::precondition(CpuHasAvx2())) {
    // head_dim 20 leaves a 4-wide tail after the 8-wide vectors; one key far from
    // the query drives its exp below the float range.
    const int64_t n_heads = 4, n_kv = 2, hd = 20, pos0 = 9, tokens = 3, ctx = pos0 + tokens;
    std::mt19937 rng(7);
    std::normal_distribution<float> dist(0.0f, 1.0f);
    std::vector<float> q(static_cast<size_t>(tokens * n_heads * hd));
    for (auto& v : q) v = dist(rng);
    std::vector<uint16_t> kc(static_cast<size_t>(ctx * n_kv * hd)), vc(kc.size());
    for (auto& v : kc) v = float_to_f16(dist(rng));
    for (auto& v : vc) v = float_to_f16(dist(rng));
    for (int64_t d = 0; d < hd; ++d)
        kc[static_cast<size_t>(2 * n_kv * hd + d)] = float_to_f16(-q[d] * 400.0f);
    for (uint32_t flags : {0u, unsigned{BITNET_ATTN_ROUND_Q_F16 | BITNET_ATTN_ROUND_P_F16}}) {
        std::vector<float> out(q.size(), std::nanf("")), scratch(static_cast<size_t>(n_heads * ctx));
        const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
        const bitnet_kp_attention_args args{sizeof(args),   q.data(),  kc.data(), vc.data(), out.data(),
                                            scratch.data(), tokens,    n_heads,   n_kv,      hd,
                                            pos0,           n_kv * hd, scale,     flags};
        const auto& kernel = avx2_kernel(BITNET_OP_ATTENTION);
        kernel.run(&args, 0, 1);
        kernel.run(&args, 1, n_heads);
        const bool rq = flags & BITNET_ATTN_ROUND_Q_F16, rp = flags & BITNET_ATTN_ROUND_P_F16;
        for (int64_t t = 0; t < tokens; ++t)
            for (int64_t h = 0; h < n_heads; ++h) {
                const int64_t g = h / (n_heads / n_kv), n = pos0 + t + 1;
                const float* qh = q.data() + (t * n_heads + h) * hd;
                std::vector<double> p(static_cast<size_t>(n));
                double mx = -INFINITY, sum = 0.0;
                for (int64_t j = 0; j < n; ++j) {
                    double dot = 0.0;
                    for (int64_t d = 0; d < hd; ++d)
                        dot += static_cast<double>(rq ? f16_to_float(float_to_f16(qh[d])) : qh[d]) *
                               f16_to_float(kc[static_cast<size_t>(j * n_kv * hd + g * hd + d)]);
                    p[static_cast<size_t>(j)] = dot * scale;
                    mx = std::fmax(mx, p[static_cast<size_t>(j)]);
                }
                for (auto& v : p) sum += (v = std::exp(v - mx));
                for (int64_t d = 0; d < hd; ++d) {
                    double want = 0.0;
                    for (int64_t j = 0; j < n; ++j) {
                        const double pj =
                            rp ? f16_to_float(float_to_f16(static_cast<float>(p[j] / sum))) : p[j] / sum;
                        want += pj * f16_to_float(vc[static_cast<size_t>(j * n_kv * hd + g * hd + d)]);
                    }
                    // Without rounding: float error of dot, exp and sums, far
                    // below 1e-4. With P rounded to f16, one probability may
                    // round the other way (2^-11 relative) against the oracle.
                    const double tol = rp ? 2e-3 : 1e-4;
                    const double got = out[static_cast<size_t>((t * n_heads + h) * hd + d)];
                    BOOST_TEST(std::fabs(got - want) <= tol, "flags " << flags << " token " << t << " head "
                                                                      << h << " dim " << d << ": got " << got
                                                                      << " want " << want);
                }
            }
    }
}
