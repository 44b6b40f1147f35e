// SPDX-License-Identifier: MIT
// The cpu-avx512 kernels against cpu-scalar on the paths that are particular to
// them: 4-row tiles with a ragged tail and unaligned row ranges, the GEMM's
// k slices (4096) and token spans (128), lone trailing 128-blocks, code-3 bytes,
// the F16 head's k slices and token groups, heads wider than a register tile,
// the int8 head's tiles and tails. Integer-derived results must be bitwise
// identical; float ones within a bound derived from summation order. The
// generic all-plugin parity suite (tests/kernels/parity) covers the common
// shapes; this file complements it.
// Skips, visibly, on a CPU without AVX-512.
#define BOOST_TEST_MODULE avx512_vs_scalar
#include <bitnet/kernel_plugin.h>
#include <dlfcn.h>
#include <bitnet/cpu_features.hpp>

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace utf = boost::unit_test;

constexpr uint64_t kAvx512Base = BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C | BITNET_CPU_AVX512F |
                                 BITNET_CPU_AVX512BW | BITNET_CPU_AVX512VL | BITNET_CPU_AVX512DQ;

uint64_t usable_features() {
    static const uint64_t features = bitnet::kernels::detect_cpu().usable;
    return features;
}

const bitnet_kp_plugin* load_plugin(const char* name) {
    const std::string path = std::string(BITNET_TEST_PLUGIN_DIR) + "/libbitnet-" + name + ".so";
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);  // stays loaded
    BOOST_TEST_REQUIRE(handle != nullptr, "dlopen " << path << ": " << dlerror());
    auto entry = reinterpret_cast<bitnet_kp_entry_fn>(dlsym(handle, BITNET_KP_ENTRY_SYMBOL));
    BOOST_TEST_REQUIRE(entry != nullptr);
    const bitnet_kp_host host{
        sizeof(bitnet_kp_host), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR, usable_features(), "test", "0"};
    const bitnet_kp_plugin* plugin = nullptr;
    BOOST_TEST_REQUIRE(entry(&host, &plugin) == BITNET_KP_OK);
    return plugin;
}

const bitnet_kp_kernel& kernel(const char* plugin_name, const std::string& id) {
    const bitnet_kp_plugin* p = load_plugin(plugin_name);
    const uint32_t stride = p->kernels[0].struct_size;
    for (uint32_t i = 0; i < p->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(reinterpret_cast<const char*>(p->kernels) +
                                                                  size_t{i} * stride);
        if (id == k->id)
            return *k;
    }
    BOOST_FAIL("no kernel " << id << " in " << plugin_name);
    throw;  // unreachable
}

const bitnet_kp_kernel& scalar(const char* op_types) {
    return kernel("cpu-scalar", std::string("cpu-scalar.") + op_types + ".ref");
}

struct Avx512Present {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        const bool ok = (usable_features() & kAvx512Base) == kAvx512Base;
        boost::test_tools::assertion_result r(ok);
        r.message() << "skipped: this CPU (or OS) lacks AVX-512 F/BW/VL/DQ, FMA or F16C";
        return r;
    }
};

struct VnniPresent {
    boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
        const uint64_t need = kAvx512Base | BITNET_CPU_AVX512VNNI;
        const bool ok = (usable_features() & need) == need;
        boost::test_tools::assertion_result r(ok);
        r.message() << "skipped: this CPU (or OS) lacks AVX-512 VNNI";
        return r;
    }
};

// Runs [0, extent) in the given pieces, e.g. {3, 1, 6} for rows 0-2, 3, 4-9.
template <typename Args>
void run_in_pieces(const bitnet_kp_kernel& k, const Args& args, int64_t extent,
                   const std::vector<int64_t>& pieces) {
    int64_t begin = 0;
    for (int64_t len : pieces) {
        const int64_t end = std::min(extent, begin + len);
        if (end > begin)
            k.run(&args, begin, end);
        begin = end;
    }
    if (begin < extent)
        k.run(&args, begin, extent);
}

// Index and values of the first bitwise difference, or "".
std::string first_difference(const std::vector<float>& want, const std::vector<float>& got) {
    for (size_t i = 0; i < want.size(); ++i) {
        if (std::memcmp(&want[i], &got[i], sizeof(float)) != 0) {
            std::ostringstream s;
            s.precision(9);
            s << "element " << i << ": scalar " << want[i] << ", avx512 " << got[i];
            return s.str();
        }
    }
    return "";
}

// ---- ternary matmul ----------------------------------------------------------

struct I2sProblem {
    int64_t rows, k, tokens, ldy;
    std::vector<uint8_t> weights;
    std::vector<int8_t> q;
    std::vector<float> act_scale;
    std::vector<int32_t> act_sum;
    float wscale;
};

// Random packed bytes (with code 3, or valid codes 0..2 only) and random
// activations whose first token holds the extremes -128 and 127.
I2sProblem make_i2s(std::mt19937& rng, int64_t rows, int64_t k, int64_t tokens, bool code3) {
    I2sProblem p{rows, k, tokens, rows + 3, {}, {}, {}, {}, 0.0137f};
    std::uniform_int_distribution<int> byte(0, 255), code(0, 2);
    p.weights.resize(static_cast<size_t>(rows * k / 4));
    for (auto& b : p.weights) {
        b = code3 ? static_cast<uint8_t>(byte(rng))
                  : static_cast<uint8_t>(code(rng) << 6 | code(rng) << 4 | code(rng) << 2 | code(rng));
    }
    p.q.resize(static_cast<size_t>(tokens * k));
    for (int64_t i = 0; i < tokens * k; ++i) {
        p.q[i] = i < k ? (i % 3 == 0 ? -128 : 127) : static_cast<int8_t>(byte(rng) - 128);
    }
    std::uniform_real_distribution<float> scale(0.05f, 40.0f);
    for (int64_t t = 0; t < tokens; ++t) {
        p.act_scale.push_back(scale(rng));
        int32_t sum = 0;
        for (int64_t i = 0; i < k; ++i)
            sum += p.q[t * k + i];
        p.act_sum.push_back(sum);
    }
    return p;
}

std::vector<float> run_i2s(const bitnet_kp_kernel& k, const I2sProblem& p,
                           const std::vector<int64_t>& pieces) {
    const bitnet_kp_i2s_weights w{sizeof w, p.weights.data(), nullptr, p.rows, p.k, p.wscale};
    std::vector<float> y(static_cast<size_t>(p.tokens * p.ldy), -7.5f);  // gaps must survive
    const bitnet_kp_i2s_matmul_args args{sizeof args,      &w,       p.q.data(), p.act_scale.data(),
                                         p.act_sum.data(), y.data(), p.tokens,   p.ldy};
    run_in_pieces(k, args, p.rows, pieces);
    return y;
}

// Both with and without code-3 bytes: the VNNI GEMV has a separate path for each.
void check_i2s(const char* avx_id, const char* scalar_id, int64_t rows, int64_t k, int64_t tokens,
               const std::vector<int64_t>& pieces) {
    for (bool code3 : {false, true}) {
        std::mt19937 rng(static_cast<unsigned>(rows * 131 + k * 7 + tokens));
        const I2sProblem p = make_i2s(rng, rows, k, tokens, code3);
        const auto want = run_i2s(scalar(scalar_id), p, {rows});
        const auto got = run_i2s(kernel("cpu-avx512", avx_id), p, pieces);
        BOOST_TEST(first_difference(want, got).empty(), avx_id << " rows=" << rows << " k=" << k
                                                               << " tokens=" << tokens << " code3=" << code3
                                                               << ": " << first_difference(want, got));
    }
}

// Row counts around the 4-row tile, k with a lone trailing block, pieces that
// start rows at every offset modulo 4.
const std::vector<std::vector<int64_t>> kGemvShapes = {{1, 128},   {3, 384},  {4, 256}, {5, 640},
                                                       {13, 2560}, {7, 8192}, {6, 6912}};
const std::vector<int64_t> kRaggedPieces = {1, 2, 5, 3, 7};

BOOST_AUTO_TEST_CASE(gemv_bw_matches_scalar_on_ragged_tiles_and_lone_blocks,
                     *utf::precondition(Avx512Present())) {
    for (const auto& s : kGemvShapes) {
        check_i2s("cpu-avx512.i2s_gemv.i8.avx512bw", "i2s_gemv.i8", s[0], s[1], 1, kRaggedPieces);
    }
}

BOOST_AUTO_TEST_CASE(gemv_vnni_matches_scalar_on_ragged_tiles_and_lone_blocks,
                     *utf::precondition(VnniPresent())) {
    for (const auto& s : kGemvShapes) {
        check_i2s("cpu-avx512.i2s_gemv.i8.vnni", "i2s_gemv.i8", s[0], s[1], 1, kRaggedPieces);
    }
}

// k = 4224 and 8576 end a 4096 slice with a lone block; 130 tokens cross the
// 128-token span; 7 tokens leave a 3-token register tile.
const std::vector<std::vector<int64_t>> kGemmShapes = {{5, 128, 1},  {6, 384, 7},  {9, 4224, 7},
                                                       {3, 8576, 5}, {7, 640, 64}, {5, 256, 130}};

BOOST_AUTO_TEST_CASE(gemm_bw_matches_scalar_across_slices_and_token_spans,
                     *utf::precondition(Avx512Present())) {
    for (const auto& s : kGemmShapes) {
        check_i2s("cpu-avx512.i2s_gemm.i8.avx512bw", "i2s_gemm.i8", s[0], s[1], s[2], kRaggedPieces);
    }
}

BOOST_AUTO_TEST_CASE(gemm_vnni_matches_scalar_across_slices_and_token_spans,
                     *utf::precondition(VnniPresent())) {
    for (const auto& s : kGemmShapes) {
        check_i2s("cpu-avx512.i2s_gemm.i8.vnni", "i2s_gemm.i8", s[0], s[1], s[2], kRaggedPieces);
    }
}

// The VNNI GEMM's small-batch path (1..8 tokens: a decode step of batched
// sequences) tiles 4 rows up to 4 tokens and 2 rows beyond: every batch size on
// random shapes with ragged tiles, lone blocks and ragged pieces.
BOOST_AUTO_TEST_CASE(gemm_vnni_small_batch_matches_scalar_for_every_batch_size,
                     *utf::precondition(VnniPresent())) {
    std::mt19937 rng(1234);
    std::uniform_int_distribution<int64_t> rows(1, 41), blocks(1, 23), piece(1, 9);
    for (int64_t tokens = 1; tokens <= 8; ++tokens) {
        for (int trial = 0; trial < 4; ++trial) {
            std::vector<int64_t> pieces;
            for (int i = 0; i < 6; ++i)
                pieces.push_back(piece(rng));
            check_i2s("cpu-avx512.i2s_gemm.i8.vnni", "i2s_gemm.i8", rows(rng), 128 * blocks(rng), tokens, pieces);
        }
        check_i2s("cpu-avx512.i2s_gemm.i8.vnni", "i2s_gemm.i8", 13, 6912, tokens, kRaggedPieces);
    }
}

// Row t of a batched step is bitwise what the one-token GEMV gives for token t
// alone: a sequence's logits must not depend on what it is batched with.
BOOST_AUTO_TEST_CASE(gemm_vnni_small_batch_rows_equal_the_gemv_of_each_token,
                     *utf::precondition(VnniPresent())) {
    for (int64_t tokens : {2, 4, 5, 8}) {
        std::mt19937 rng(static_cast<unsigned>(77 + tokens));
        const I2sProblem p = make_i2s(rng, 11, 2560, tokens, false);
        const auto batched = run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemm.i8.vnni"), p, kRaggedPieces);
        for (int64_t t = 0; t < tokens; ++t) {
            I2sProblem one{p.rows, p.k, 1, p.ldy, p.weights, {}, {p.act_scale[t]}, {p.act_sum[t]}, p.wscale};
            one.q.assign(p.q.begin() + t * p.k, p.q.begin() + (t + 1) * p.k);
            const auto single = run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemv.i8.vnni"), one, {p.rows});
            const std::vector<float> row(batched.begin() + t * p.ldy, batched.begin() + (t + 1) * p.ldy);
            BOOST_TEST(first_difference(single, row).empty(),
                       "tokens=" << tokens << " t=" << t << ": " << first_difference(single, row));
        }
    }
}

// Largest sums the format allows per lane and row: every weight +1 or -1 against
// activations all -128 or all 127, for each batch size (no int32 lane may wrap
// and the per-half shifts must not mix codes of neighbouring bytes).
BOOST_AUTO_TEST_CASE(gemm_vnni_small_batch_is_exact_at_extreme_codes_and_activations,
                     *utf::precondition(VnniPresent())) {
    for (uint8_t byte : {uint8_t{0x00}, uint8_t{0xAA}, uint8_t{0x55}, uint8_t{0x24}}) {
        for (int64_t tokens = 1; tokens <= 8; ++tokens) {
            const int64_t rows = 6, k = 6912;
            I2sProblem p{rows, k, tokens, rows, std::vector<uint8_t>(rows * k / 4, byte), {}, {}, {}, 0.5f};
            for (int64_t t = 0; t < tokens; ++t) {
                const int8_t v = t % 2 ? int8_t{127} : int8_t{-128};
                p.q.insert(p.q.end(), static_cast<size_t>(k), v);
                p.act_scale.push_back(1.0f + static_cast<float>(t));
                p.act_sum.push_back(static_cast<int32_t>(v) * static_cast<int32_t>(k));
            }
            const auto want = run_i2s(scalar("i2s_gemm.i8"), p, {rows});
            const auto got = run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemm.i8.vnni"), p, {4, 2});
            BOOST_TEST(first_difference(want, got).empty(), "byte " << int(byte) << " tokens=" << tokens << ": "
                                                                    << first_difference(want, got));
        }
    }
}

BOOST_AUTO_TEST_CASE(code_three_acts_as_zero_weight, *utf::precondition(Avx512Present())) {
    // Every weight coded 3 (bytes 0xFF): the dot is 0 whatever the activations,
    // although sum(code * q) - sum(q) would be 2 * sum(q) without the remap.
    I2sProblem p{5,      256,     1,   5, std::vector<uint8_t>(5 * 64, 0xFF), std::vector<int8_t>(256, 100),
                 {1.0f}, {25600}, 1.0f};
    const std::vector<float> zeros(5, 0.0f);
    BOOST_TEST(
        first_difference(zeros, run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemv.i8.avx512bw"), p, {5}))
            .empty());
    BOOST_TEST(
        first_difference(zeros, run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemm.i8.avx512bw"), p, {5}))
            .empty());
}

BOOST_AUTO_TEST_CASE(a_single_code_three_pair_in_valid_rows_still_matches_scalar,
                     *utf::precondition(Avx512Present())) {
    // One code 3 at a time, in each bit pair, in a full tile's row or the tail
    // row, in a paired block or the lone last block (k = 384: blocks 0-1 and 2).
    const bool vnni = (usable_features() & BITNET_CPU_AVX512VNNI) != 0;
    std::vector<std::string> ids = {"cpu-avx512.i2s_gemv.i8.avx512bw", "cpu-avx512.i2s_gemm.i8.avx512bw"};
    if (vnni)
        ids.insert(ids.end(), {"cpu-avx512.i2s_gemv.i8.vnni", "cpu-avx512.i2s_gemm.i8.vnni"});
    std::mt19937 rng(21);
    const I2sProblem clean = make_i2s(rng, 5, 384, 1, false);
    for (int64_t byte : {int64_t{3}, int64_t{2 * 96 + 40}, int64_t{4 * 96 + 70}}) {
        for (int pair = 0; pair < 4; ++pair) {
            I2sProblem p = clean;
            p.weights[byte] = static_cast<uint8_t>(p.weights[byte] | (3u << (2 * pair)));
            const auto want = run_i2s(scalar("i2s_gemv.i8"), p, {5});
            for (const std::string& id : ids) {
                const auto got = run_i2s(kernel("cpu-avx512", id), p, {5});
                BOOST_TEST(first_difference(want, got).empty(),
                           id << " byte " << byte << " pair " << pair << ": " << first_difference(want, got));
            }
            // The VNNI GEMM's small-batch tiles (4 x 3 and 2 x 6 here) redo a
            // tile with code 3 through the lookup-table path.
            if (vnni) {
                for (int64_t tokens : {3, 6}) {
                    std::mt19937 qrng(static_cast<unsigned>(byte + pair + tokens));
                    I2sProblem pb = make_i2s(qrng, 5, 384, tokens, false);
                    pb.weights = p.weights;
                    const auto want_b = run_i2s(scalar("i2s_gemm.i8"), pb, {5});
                    const auto got_b = run_i2s(kernel("cpu-avx512", "cpu-avx512.i2s_gemm.i8.vnni"), pb, {5});
                    BOOST_TEST(first_difference(want_b, got_b).empty(), "tokens " << tokens << " byte " << byte
                                                                                << " pair " << pair << ": "
                                                                                << first_difference(want_b, got_b));
                }
            }
        }
    }
}

// ---- quantize, rmsnorm ---------------------------------------------------------

BOOST_AUTO_TEST_CASE(quantize_is_bitwise_scalar_on_ties_tails_and_non_finite,
                     *utf::precondition(Avx512Present())) {
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::mt19937 rng(5);
    std::normal_distribution<float> normal(0.0f, 3.0f);
    // Rows of 37 (a masked tail): random; exact .5 ties (amax 127 gives s = 1);
    // all tiny (amax clamps to 1e-5); a NaN (ignored by amax, -128 as value); an
    // infinity (s = 0); huge values.
    const int64_t k = 37;
    std::vector<std::vector<float>> rows(6, std::vector<float>(k));
    for (auto& v : rows[0])
        v = normal(rng);
    for (int64_t i = 0; i < k; ++i)
        rows[1][i] = (i == 0) ? 127.0f : static_cast<float>(i % 9) - 4.5f;
    for (auto& v : rows[2])
        v = normal(rng) * 1e-9f;
    rows[3] = rows[0];
    rows[3][17] = nan;
    rows[4] = rows[0];
    rows[4][30] = -inf;
    for (auto& v : rows[5])
        v = normal(rng) * 1e37f;
    std::vector<float> x;
    for (const auto& r : rows)
        x.insert(x.end(), r.begin(), r.end());
    const int64_t tokens = static_cast<int64_t>(rows.size());

    auto run = [&](const bitnet_kp_kernel& kern) {
        std::vector<int8_t> q(x.size(), 99);
        std::vector<float> scale(tokens, -1.0f);
        std::vector<int32_t> sum(tokens, -1);
        const bitnet_kp_quantize_args args{sizeof args, x.data(), q.data(), scale.data(),
                                           sum.data(),  tokens,   k};
        run_in_pieces(kern, args, tokens, {1, 2});
        std::vector<float> flat(scale);
        for (int32_t s : sum)
            flat.push_back(static_cast<float>(s));
        for (int8_t v : q)
            flat.push_back(v);
        return flat;
    };
    const auto want = run(scalar("quantize_i8.f32"));
    const auto got = run(kernel("cpu-avx512", "cpu-avx512.quantize_i8.f32.avx512"));
    BOOST_TEST(first_difference(want, got).empty(), first_difference(want, got));
}

BOOST_AUTO_TEST_CASE(rmsnorm_is_bitwise_scalar_in_place_and_out_of_place,
                     *utf::precondition(Avx512Present())) {
    std::mt19937 rng(11);
    std::lognormal_distribution<float> magnitude(0.0f, 4.0f);
    std::bernoulli_distribution negative(0.5);
    for (int64_t n : {1, 15, 33, 2560, 6912}) {
        const int64_t tokens = 40;
        std::vector<float> x(static_cast<size_t>(n * tokens));
        for (auto& v : x)
            v = negative(rng) ? -magnitude(rng) : magnitude(rng);
        std::vector<float> w(static_cast<size_t>(n));
        for (auto& v : w)
            v = magnitude(rng) * 0.1f;
        for (bool in_place : {false, true}) {
            auto run = [&](const bitnet_kp_kernel& kern) {
                std::vector<float> in(x);
                std::vector<float> out(x.size(), 0.0f);
                float* y = in_place ? in.data() : out.data();
                const bitnet_kp_rmsnorm_args args{sizeof args, in.data(), w.data(), y, tokens, n, 1e-5f};
                run_in_pieces(kern, args, tokens, {3, 1});
                return in_place ? in : out;
            };
            const auto want = run(scalar("rmsnorm.f32"));
            const auto got = run(kernel("cpu-avx512", "cpu-avx512.rmsnorm.f32.avx512"));
            BOOST_TEST(first_difference(want, got).empty(),
                       "n=" << n << " in_place=" << in_place << ": " << first_difference(want, got));
        }
    }
}

// ---- f16 head, attention ------------------------------------------------------

// A random finite normal f16 (|v| in [2^-6, 2^4)) and its value.
uint16_t random_f16(std::mt19937& rng) {
    std::uniform_int_distribution<int> sign(0, 1), exponent(9, 18), mantissa(0, 1023);
    return static_cast<uint16_t>((sign(rng) << 15) | (exponent(rng) << 10) | mantissa(rng));
}

float f16_value(uint16_t h) {
    const float mag = std::ldexp(1.0f + static_cast<float>(h & 0x3FF) / 1024.0f, ((h >> 10) & 0x1F) - 15);
    return (h & 0x8000) ? -mag : mag;
}

// |got - want| <= 2 (k - 1) 2^-24 sum|terms| bounds two summation orders of the
// same k products (Higham, recursive vs. any order); plus a denormal floor.
bool within_order_bound(float want, float got, double abs_sum, int64_t k) {
    const double bound = 2.0 * static_cast<double>(k) * 0x1p-24 * abs_sum + 1e-30;
    return std::fabs(static_cast<double>(want) - static_cast<double>(got)) <= bound;
}

BOOST_AUTO_TEST_CASE(f16_matmul_matches_scalar_across_slices_and_token_groups,
                     *utf::precondition(Avx512Present())) {
    std::mt19937 rng(3);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    // 70 rows x 6 tokens: two L2 row blocks of 64 with token groups of 4 and 2.
    for (const auto& s :
         std::vector<std::vector<int64_t>>{{5, 37, 1}, {9, 2560, 1}, {6, 4100, 5}, {3, 16, 9}, {70, 48, 6}}) {
        const int64_t rows = s[0], k = s[1], tokens = s[2], ldy = rows + 2;
        std::vector<uint16_t> w(static_cast<size_t>(rows * k));
        for (auto& v : w)
            v = random_f16(rng);
        std::vector<float> x(static_cast<size_t>(tokens * k));
        for (auto& v : x)
            v = normal(rng);
        auto run = [&](const bitnet_kp_kernel& kern) {
            std::vector<float> y(static_cast<size_t>(tokens * ldy), -3.0f);
            const bitnet_kp_f16_matmul_args args{sizeof args, w.data(), x.data(), y.data(),
                                                 tokens,      rows,     k,        ldy};
            run_in_pieces(kern, args, rows, kRaggedPieces);
            return y;
        };
        const auto want = run(scalar("f16_matmul.f32"));
        const auto got = run(kernel("cpu-avx512", "cpu-avx512.f16_matmul.f32.avx512f16c"));
        for (int64_t t = 0; t < tokens; ++t) {
            for (int64_t r = 0; r < ldy; ++r) {
                const size_t i = static_cast<size_t>(t * ldy + r);
                if (r >= rows) {
                    BOOST_TEST(got[i] == -3.0f, "gap at token " << t << " row " << r << " was written");
                    continue;
                }
                double abs_sum = 0.0;
                for (int64_t e = 0; e < k; ++e) {
                    abs_sum += std::fabs(f16_value(w[r * k + e]) * static_cast<double>(x[t * k + e]));
                }
                BOOST_TEST(within_order_bound(want[i], got[i], abs_sum * 1.001, k),
                           "rows=" << rows << " k=" << k << " token " << t << " row " << r << ": scalar "
                                   << want[i] << ", avx512 " << got[i]);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(attention_matches_scalar_for_wide_and_ragged_heads,
                     *utf::precondition(Avx512Present())) {
    std::mt19937 rng(9);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    // head_dim 40: masked tails; 136: a second 128-wide value tile; 528: q
    // rounded on the fly (beyond the local buffer). GQA 3:1, prompt and decode.
    struct Shape {
        int64_t head_dim, pos0, tokens;
        uint32_t flags;
    };
    for (const Shape s :
         {Shape{40, 0, 6, 0u}, Shape{136, 21, 1, 3u}, Shape{528, 7, 2, 1u}, Shape{64, 300, 1, 3u}}) {
        const int64_t n_heads = 6, n_kv = 2, hd = s.head_dim, ctx = s.pos0 + s.tokens;
        const int64_t stride = n_kv * hd;
        std::vector<float> q(static_cast<size_t>(s.tokens * n_heads * hd));
        for (auto& v : q)
            v = normal(rng);
        std::vector<uint16_t> kc(static_cast<size_t>(ctx * stride)), vc(kc.size());
        for (auto& v : kc)
            v = random_f16(rng);
        for (auto& v : vc)
            v = random_f16(rng);
        const float scale = 1.0f / std::sqrt(static_cast<float>(hd)) * 0.05f;
        auto run = [&](const bitnet_kp_kernel& kern) {
            std::vector<float> out(q.size(), 0.0f), scratch(static_cast<size_t>(n_heads * ctx));
            const bitnet_kp_attention_args args{sizeof args,    q.data(), kc.data(), vc.data(), out.data(),
                                                scratch.data(), s.tokens, n_heads,   n_kv,      hd,
                                                s.pos0,         stride,   scale,     s.flags};
            run_in_pieces(kern, args, n_heads, {1, 4});
            return out;
        };
        const auto want = run(scalar("attention.f16kv"));
        const auto got = run(kernel("cpu-avx512", "cpu-avx512.attention.f16kv.avx512"));
        // Outputs are convex combinations of values |v| < 16. Without P rounding
        // they agree to float rounding of the sums (1e-4 relative is generous);
        // with it, one weight may round to a neighbouring f16 (2^-11 of itself),
        // so allow that for every weight: 16 * 2^-11 absolute.
        const double tol = (s.flags & BITNET_ATTN_ROUND_P_F16) ? 16.0 * 0x1p-11 : 16.0 * 1e-4;
        double worst = 0.0;
        for (size_t i = 0; i < want.size(); ++i) {
            worst = std::max(worst, std::fabs(static_cast<double>(want[i]) - got[i]));
        }
        BOOST_TEST(worst <= tol, "head_dim=" << hd << " pos0=" << s.pos0 << " tokens=" << s.tokens
                                             << " flags=" << s.flags << ": max |diff| " << worst);
    }
}

// ---- int8 head ----------------------------------------------------------------

BOOST_AUTO_TEST_CASE(q8_matmul_is_bitwise_scalar_on_ragged_rows_tails_and_extremes,
                     *utf::precondition(Avx512Present())) {
    // 8-row tiles for one token, 4x4 tiles for several (6 = 4 + 2 tokens); k
    // with a masked tail; the first weight row and token all -128 (the largest
    // products), which an unsigned offset or int16 pairs must not saturate.
    std::vector<std::string> ids = {"cpu-avx512.q8_matmul.i8.avx512bw"};
    if ((usable_features() & BITNET_CPU_AVX512VNNI) != 0)
        ids.push_back("cpu-avx512.q8_matmul.i8.vnni");
    std::mt19937 rng(13);
    std::uniform_int_distribution<int> byte(-128, 127);
    std::uniform_real_distribution<float> scale(0.001f, 2.0f);
    // 300 rows x 2048 x 6 tokens: two L2 row blocks (257 rows each at most).
    for (const auto& s : std::vector<std::vector<int64_t>>{
             {19, 100, 1}, {11, 2560, 3}, {5, 33, 6}, {9, 4096, 1}, {300, 2048, 6}}) {
        const int64_t rows = s[0], k = s[1], tokens = s[2], ldy = rows + 1;
        std::vector<int8_t> w(static_cast<size_t>(rows * k)), q(static_cast<size_t>(tokens * k));
        for (auto& v : w)
            v = static_cast<int8_t>(byte(rng));
        for (auto& v : q)
            v = static_cast<int8_t>(byte(rng));
        for (int64_t i = 0; i < k; ++i)
            w[i] = q[i] = -128;
        std::vector<float> w_scale(static_cast<size_t>(rows)), act_scale(static_cast<size_t>(tokens));
        std::vector<int32_t> w_sum(static_cast<size_t>(rows), 0);
        for (auto& v : w_scale)
            v = scale(rng);
        for (auto& v : act_scale)
            v = scale(rng) * 100.0f;
        for (int64_t r = 0; r < rows; ++r) {
            for (int64_t i = 0; i < k; ++i)
                w_sum[r] += w[r * k + i];
        }
        auto run = [&](const bitnet_kp_kernel& kern) {
            std::vector<float> y(static_cast<size_t>(tokens * ldy), -2.0f);
            const bitnet_kp_q8_matmul_args args{sizeof args,
                                                w.data(),
                                                w_scale.data(),
                                                w_sum.data(),
                                                q.data(),
                                                act_scale.data(),
                                                y.data(),
                                                tokens,
                                                rows,
                                                k,
                                                ldy};
            run_in_pieces(kern, args, rows, kRaggedPieces);
            return y;
        };
        const auto want = run(scalar("q8_matmul.i8"));
        for (const std::string& id : ids) {
            const auto got = run(kernel("cpu-avx512", id));
            BOOST_TEST(first_difference(want, got).empty(), id << " rows=" << rows << " k=" << k
                                                               << " tokens=" << tokens << ": "
                                                               << first_difference(want, got));
        }
    }
}

// ---- descriptor ------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(scores_zero_without_avx512_and_higher_with_vnni) {
    const bitnet_kp_plugin* p = load_plugin("cpu-avx512");
    bitnet_kp_host host{sizeof(bitnet_kp_host),
                        BITNET_KP_ABI_MAJOR,
                        BITNET_KP_ABI_MINOR,
                        BITNET_CPU_X86_64 | BITNET_CPU_AVX2 | BITNET_CPU_FMA | BITNET_CPU_F16C,
                        "test",
                        "0"};
    BOOST_TEST(p->score(&host) == 0u);
    host.cpu_features |= kAvx512Base | BITNET_CPU_X86_64;
    const uint32_t base = p->score(&host);
    host.cpu_features |= BITNET_CPU_AVX512VNNI;
    const uint32_t vnni = p->score(&host);
    BOOST_TEST(base > 1u);  // above cpu-scalar's 1
    BOOST_TEST(vnni > base);
    // Each VNNI kernel requires VNNI and outranks its AVX-512BW sibling.
    const uint32_t stride = p->kernels[0].struct_size;
    for (uint32_t i = 0; i < p->n_kernels; ++i) {
        const auto* k = reinterpret_cast<const bitnet_kp_kernel*>(reinterpret_cast<const char*>(p->kernels) +
                                                                  size_t{i} * stride);
        const bool is_vnni = std::string(k->id).ends_with(".vnni");
        BOOST_TEST(((k->required_features & BITNET_CPU_AVX512VNNI) != 0) == is_vnni, k->id);
        BOOST_TEST((k->required_features & kAvx512Base) == kAvx512Base, k->id);
        BOOST_TEST(k->priority == (is_vnni ? 20u : 10u), k->id);
    }
}

}  // namespace
