// SPDX-License-Identifier: MIT
// Every ternary matmul kernel of every plugin that can run here against an
// independent oracle: oneDNN's f32 matmul of the dequantized operands,
// W = w * wscale (w decoded from the I2_S bytes here) and X = q / s.
//
// Tolerance. Let E = (sum_k w_k q_k) / s * wscale be the exact value and
// M = sum_k |w_k q_k| / s * wscale. A kernel returns fl(fl(acc / s) * wscale)
// with acc exact: |y - E| <= 2u |E| (+ u^2). oneDNN multiplies W (exact:
// w * wscale with w in {-1, 0, 1}) by X (one rounding each, u) and sums K
// products in f32 in an order of its choosing (FMA or not): |o - E| <=
// (gamma(K) + 2u) M. So |y - o| <= 2u |E| + (gamma(K) + 2u) M, computed per
// output with E and M in double.
#define BOOST_TEST_MODULE ternary_onednn
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <dnnl.hpp>
#include <iostream>

#include "cpu_features.hpp"
#include "i2s_problem.hpp"
#include "parity_core.hpp"

namespace bp = bitnet::parity;
using bp::kU;

namespace {

// dst[tokens x rows] = X[tokens x k] * W^T, W stored rows x k (tag ba of k x rows).
std::vector<float> onednn_matmul(const std::vector<float>& x, const std::vector<float>& w, int64_t tokens,
                                 int64_t rows, int64_t k) {
    using namespace dnnl;
    static engine eng(engine::kind::cpu, 0);
    stream s(eng);
    const memory::desc src_md({tokens, k}, memory::data_type::f32, memory::format_tag::ab);
    const memory::desc wei_md({k, rows}, memory::data_type::f32, memory::format_tag::ba);
    const memory::desc dst_md({tokens, rows}, memory::data_type::f32, memory::format_tag::ab);
    std::vector<float> dst(static_cast<size_t>(tokens * rows));
    memory src_m(src_md, eng, const_cast<float*>(x.data()));
    memory wei_m(wei_md, eng, const_cast<float*>(w.data()));
    memory dst_m(dst_md, eng, dst.data());
    const matmul::primitive_desc pd(matmul::desc(src_md, wei_md, dst_md), eng);
    matmul(pd).execute(s, {{DNNL_ARG_SRC, src_m}, {DNNL_ARG_WEIGHTS, wei_m}, {DNNL_ARG_DST, dst_m}});
    s.wait();
    return dst;
}

struct Shape {
    int64_t rows, k, tokens;
    bp::Codes codes;
    bp::Acts acts;
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_ternary_kernel_agrees_with_onednn_on_dequantized_operands) {
    const uint64_t cpu = bp::detect_cpu_features();
    const bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, cpu);
    for (const auto& err : set.errors) BOOST_TEST_ERROR("broken plugin " << err);
    const Shape shapes[] = {{1, 128, 1, bp::Codes::kRandom, bp::Acts::kRandom},
                            {67, 2560, 1, bp::Codes::kWithThree, bp::Acts::kRandom},
                            {33, 6912, 1, bp::Codes::kRandom, bp::Acts::kAlternating},
                            {19, 8192, 1, bp::Codes::kZeroRows, bp::Acts::kMinNeg},
                            {61, 2560, 7, bp::Codes::kWithThree, bp::Acts::kRandom},
                            {37, 1024, 64, bp::Codes::kRandom, bp::Acts::kSpike}};
    int checked = 0, skipped = 0;
    bp::Rng rng(31);
    for (const bp::LoadedPlugin& plugin : set.plugins) {
        for (const bitnet_kp_kernel* kernel : plugin.kernels) {
            if (kernel->op != BITNET_OP_I2S_GEMV && kernel->op != BITNET_OP_I2S_GEMM) continue;
            const std::string reason = bp::skip_reason(plugin, *kernel, cpu);
            if (!reason.empty()) {
                ++skipped;
                std::cout << "SKIPPED " << kernel->id << ": " << reason << std::endl;
                continue;
            }
            ++checked;
            for (const Shape& s : shapes) {
                if (kernel->op == BITNET_OP_I2S_GEMV && s.tokens != 1) continue;
                const bp::I2sProblem p = bp::make_i2s_problem(rng, s.rows, s.k, s.tokens, s.codes, s.acts, 0.0213f);
                std::vector<float> w(static_cast<size_t>(s.rows * s.k)), x(static_cast<size_t>(s.tokens * s.k));
                for (int64_t r = 0; r < s.rows; ++r) {
                    for (int64_t i = 0; i < s.k; ++i) {
                        w[static_cast<size_t>(r * s.k + i)] = static_cast<float>(bp::weight_at(p.data(), s.k, r, i)) * p.wscale;
                    }
                }
                for (int64_t t = 0; t < s.tokens; ++t) {
                    for (int64_t i = 0; i < s.k; ++i) {
                        x[static_cast<size_t>(t * s.k + i)] = p.q[static_cast<size_t>(t * s.k + i)] / p.act_scale[static_cast<size_t>(t)];
                    }
                }
                const std::vector<float> oracle = onednn_matmul(x, w, s.tokens, s.rows, s.k);
                std::string error;
                const std::vector<float> y = bp::run_i2s(*kernel, p, {{0, s.rows}}, &error);
                BOOST_TEST_REQUIRE(error.empty(), kernel->id << ": " << error);
                int bad = 0;
                for (int64_t t = 0; t < s.tokens; ++t) {
                    for (int64_t r = 0; r < s.rows; ++r) {
                        double exact = 0.0, mag = 0.0;
                        for (int64_t i = 0; i < s.k; ++i) {
                            const double wq = bp::weight_at(p.data(), s.k, r, i) * p.q[static_cast<size_t>(t * s.k + i)];
                            exact += wq;
                            mag += std::fabs(wq);
                        }
                        const double unit = static_cast<double>(p.wscale) / p.act_scale[static_cast<size_t>(t)];
                        const double tol = 2 * kU * std::fabs(exact * unit) + (bp::gamma_n(s.k) + 2 * kU) * mag * unit;
                        const size_t o = static_cast<size_t>(t * s.rows + r);
                        if (!(std::fabs(static_cast<double>(y[o]) - oracle[o]) <= tol + 1e-30) && bad++ < 5) {
                            BOOST_TEST_ERROR(kernel->id << " rows=" << s.rows << " k=" << s.k << " tokens=" << s.tokens
                                                        << " codes=" << bp::codes_name(s.codes) << " [" << t << "," << r
                                                        << "]: kernel " << y[o] << ", oneDNN " << oracle[o]
                                                        << ", allowed +-" << tol);
                        }
                    }
                }
                BOOST_TEST(bad == 0, kernel->id << " on rows=" << s.rows << " k=" << s.k << " tokens=" << s.tokens);
            }
        }
    }
    std::cout << "ternary kernels checked against oneDNN: " << checked << ", skipped: " << skipped << std::endl;
    BOOST_TEST(checked >= 2, "expected at least cpu-scalar's GEMV and GEMM");
}
