// SPDX-License-Identifier: MIT
// The opt-in int8 head (--head-precision q8) changes each logit by no more than
// its quantization error allows. With w = q_w*scale_r + e_w (|e_w| <= scale_r/2),
// x = q_x/s + e_x (|e_x| <= 1/(2s)) and the reference's f16 input rounding
// |e_h| <= 2^-11 |x|, the difference of one logit is bounded by
//   sum|w||x| 2^-11 + sum|w| / (2s) + scale_r/2 * sum|x| + k*scale_r/(4s)
// plus float summation error, which we bound loosely by 1e-5 * sum|w||x|.
#define BOOST_TEST_MODULE model_head_q8
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "bitnet/engine.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/session.hpp"
#include "reference_data.hpp"

namespace {

using namespace bitnet;

EngineOptions options(const std::string& head) {
    EngineOptions o;
    o.model_path = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
    o.plugin_dirs = {BITNET_TEST_PLUGIN_DIR};
    o.use_environment = false;
    o.threads = 1;
    o.head_precision = head;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_CASE(int8_head_logits_stay_within_the_quantization_bound) {
    Engine ref(options("f16"));
    Engine q8(options("q8"));
    BOOST_REQUIRE(q8.model().has_head_q8());
    BOOST_REQUIRE(!ref.model().has_head_q8());
    const auto& cfg = ref.model().config();
    const int64_t k = cfg.n_embd;
    auto cases = test::load_reference_cases(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    for (const auto& c : cases) {
        model::Session sr(ref.model(), ref.dispatcher()), sq(q8.model(), q8.dispatcher());
        auto lr = sr.eval(c.prompt_ids);
        std::vector<float> want(lr.begin(), lr.end());
        auto lq = sq.eval(c.prompt_ids);
        auto x = sq.final_norm_output();
        // The trunk is identical, so both sessions feed the head the same x.
        BOOST_REQUIRE(std::equal(x.begin(), x.end(), sr.final_norm_output().begin()));

        double amax = 0, sum_x = 0;
        for (float v : x) {
            amax = std::max(amax, double(std::fabs(v)));
            sum_x += std::fabs(v);
        }
        const double s = 127.0 / std::max(amax, 1e-5);
        int violations = 0;
        double worst = 0;
        for (int64_t r = 0; r < cfg.n_vocab; ++r) {
            const uint16_t* w = ref.model().output_head() + r * k;
            double sum_w = 0, sum_wx = 0;
            for (int64_t i = 0; i < k; ++i) {
                double wi = f16_to_f32(w[i]);
                sum_w += std::fabs(wi);
                sum_wx += std::fabs(wi * x[i]);
            }
            const double scale = q8.model().head_q8_scale()[r];
            const double bound = sum_wx * std::ldexp(1.0, -11) + sum_w / (2 * s) + scale / 2 * sum_x +
                                 double(k) * scale / (4 * s) + 1e-5 * sum_wx + 1e-6;
            const double diff = std::fabs(double(lq[r]) - want[r]);
            worst = std::max(worst, diff / bound);
            if (diff > bound && ++violations <= 5)
                BOOST_TEST_MESSAGE("row " << r << ": |diff| " << diff << " > bound " << bound);
        }
        BOOST_TEST(violations == 0, "prompt \"" << c.prompt << "\": " << violations << " logits out of bound");
        BOOST_TEST_MESSAGE("prompt \"" << c.prompt << "\": worst diff/bound " << worst);
        // The bound is loose but not vacuous: the int8 head does change the logits.
        BOOST_TEST(worst > 0.0);
        auto argmax = [](std::span<const float> v) { return std::max_element(v.begin(), v.end()) - v.begin(); };
        BOOST_TEST(argmax(lq) == argmax(want));
    }
}

BOOST_AUTO_TEST_CASE(unknown_head_precision_is_refused) {
    BOOST_CHECK_THROW(Engine(options("q4")), std::runtime_error);
}

// The head is made by the QUANTIZE_ROWS_Q8 kernel of whichever plugin wins it:
// every backend must write cpu-scalar's bytes, scales and sums exactly.
BOOST_AUTO_TEST_CASE(every_backend_makes_cpu_scalars_int8_head) {
    auto with_backend = [](const std::string& backend) {
        EngineOptions o = options("q8");
        o.backend = backend;
        o.threads = 2;
        return o;
    };
    Engine scalar(with_backend("cpu-scalar"));
    const auto& c = scalar.model().config();
    const size_t n = static_cast<size_t>(c.n_vocab * c.n_embd), rows = static_cast<size_t>(c.n_vocab);
    const auto setup = discover_kernels(options("q8"));
    int compared = 0;
    for (const auto& p : setup.registry->plugins()) {
        if (!p.usable() || p.name == "cpu-scalar") continue;
        const auto sel = setup.registry->select(p.name);
        if (!sel.per_op[BITNET_OP_QUANTIZE_ROWS_Q8].kernel) continue;
        BOOST_TEST_CONTEXT("backend " << p.name << ", kernel " << sel.per_op[BITNET_OP_QUANTIZE_ROWS_Q8].kernel->id) {
            Engine other(with_backend(p.name));
            BOOST_TEST(std::equal(scalar.model().head_q8(), scalar.model().head_q8() + n, other.model().head_q8()));
            BOOST_TEST(std::memcmp(scalar.model().head_q8_scale(), other.model().head_q8_scale(),
                                   rows * sizeof(float)) == 0);
            BOOST_TEST(std::equal(scalar.model().head_q8_sum(), scalar.model().head_q8_sum() + rows,
                                  other.model().head_q8_sum()));
            ++compared;
        }
    }
    BOOST_TEST_MESSAGE(compared << " backend(s) compared with cpu-scalar");
}
