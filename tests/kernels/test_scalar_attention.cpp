// SPDX-License-Identifier: MIT
// cpu-scalar's attention against softmax(scale q.k) v computed in double from
// the same f16 cache, with the query and weight roundings of the flags applied
// through the compiler's _Float16.
#define BOOST_TEST_MODULE scalar_attention
#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "attention_reference.hpp"
#include "cpu_features.hpp"
#include "parity_core.hpp"

namespace bp = bitnet::parity;
namespace {

const bitnet_kp_kernel& attention_kernel() {
    static const bp::PluginSet set = bp::load_plugins(BITNET_TEST_PLUGIN_DIR, bp::detect_cpu_features());
    const bp::LoadedPlugin* p = bp::find_plugin(set, bp::kReferencePlugin);
    BOOST_TEST_REQUIRE(p != nullptr);
    const bitnet_kp_kernel* k = bp::find_kernel(*p, BITNET_OP_ATTENTION);
    BOOST_TEST_REQUIRE(k != nullptr);
    return *k;
}

struct Problem {
    int64_t heads, kv_heads, head_dim, pos0, tokens, capacity, kv_stride;
    uint32_t flags;
    float scale;
    std::vector<float> q;
    std::vector<uint16_t> k, v;
};

Problem make_problem(bp::Rng& rng, int64_t heads, int64_t kv_heads, int64_t hd, int64_t pos0, int64_t tokens,
                     uint32_t flags, float q_mult) {
    Problem p{heads, kv_heads, hd, pos0, tokens, pos0 + tokens, kv_heads * hd, flags,
              1.0f / std::sqrt(static_cast<float>(hd)), {}, {}, {}};
    p.q = bp::make_floats(rng, tokens * heads * hd, bp::Pattern::kNormal);
    for (float& x : p.q) x *= q_mult;
    p.k = bp::make_f16(rng, p.capacity * p.kv_stride, 1.0f, false);
    p.v = bp::make_f16(rng, p.capacity * p.kv_stride, 1.0f, false);
    return p;
}

std::vector<float> run(const Problem& p) {
    std::vector<float> out(p.q.size());
    std::vector<float> scratch(static_cast<size_t>(p.heads * (p.pos0 + p.tokens)));
    bitnet_kp_attention_args a{sizeof a, p.q.data(), p.k.data(), p.v.data(), out.data(), scratch.data(),
                               p.tokens, p.heads, p.kv_heads, p.head_dim, p.pos0, p.kv_stride, p.scale, p.flags};
    attention_kernel().run(&a, 0, p.heads);
    return out;
}

// Checks every output against the double formula; the bound is derived in
// attention_reference.hpp (one side: this kernel against exact).
void check(const Problem& p, const std::vector<float>& got, const std::string& what) {
    const bp::AttnInputs in{p.q.data(), p.k.data(), p.v.data(), p.tokens, p.heads, p.kv_heads,
                            p.head_dim, p.pos0, p.kv_stride, p.scale, p.flags};
    const bp::AttnReference ref = bp::attention_reference(in, 1);
    int bad = 0;
    double worst_ratio = 0.0;
    for (size_t i = 0; i < got.size(); ++i) {
        const double err = std::fabs(got[i] - ref.out[i]);
        worst_ratio = std::max(worst_ratio, err / ref.bound[i]);
        if (!(err <= ref.bound[i]) && bad++ < 5) {
            BOOST_TEST_ERROR(what << " output " << i << ": got " << got[i] << ", want " << ref.out[i] << " +- "
                                  << ref.bound[i]);
        }
    }
    BOOST_TEST(bad == 0, what << ": " << bad << " outputs out of bound");
    BOOST_TEST_MESSAGE(what << ": largest error / bound = " << worst_ratio);
}

}  // namespace

BOOST_AUTO_TEST_CASE(attention_matches_the_double_softmax_for_every_rounding_flag) {
    bp::Rng rng(23);
    struct Shape {
        int64_t heads, kv_heads, hd, pos0, tokens;
    };
    const Shape shapes[] = {{4, 1, 64, 0, 1}, {8, 2, 128, 37, 1}, {4, 2, 64, 5, 7}, {20, 5, 128, 100, 3}};
    for (const Shape& s : shapes) {
        for (uint32_t flags = 0; flags < 4; ++flags) {
            for (float mult : {1.0f, 8.0f, 0.0f}) {
                const Problem p = make_problem(rng, s.heads, s.kv_heads, s.hd, s.pos0, s.tokens, flags, mult);
                std::ostringstream what;
                what << "heads=" << s.heads << "/" << s.kv_heads << " hd=" << s.hd << " pos0=" << s.pos0
                     << " tokens=" << s.tokens << " flags=" << flags << " q*" << mult;
                check(p, run(p), what.str());
            }
        }
    }
}

// NaN in every cache slot a query must not read: positions after its own and
// the padding between kv heads. One read would turn the output NaN.
BOOST_AUTO_TEST_CASE(attention_reads_neither_later_positions_nor_stride_padding) {
    bp::Rng rng(29);
    Problem p = make_problem(rng, 4, 2, 64, 9, 3, BITNET_ATTN_ROUND_Q_F16, 1.0f);
    const int64_t pad = 8, capacity = p.pos0 + p.tokens + 5;
    const int64_t stride = p.kv_heads * p.head_dim + pad;
    std::vector<uint16_t> k(static_cast<size_t>(capacity * stride), 0x7E00), v(k);
    for (int64_t j = 0; j < p.pos0 + p.tokens; ++j) {
        for (int64_t e = 0; e < p.kv_heads * p.head_dim; ++e) {
            k[static_cast<size_t>(j * stride + e)] = p.k[static_cast<size_t>(j * p.kv_stride + e)];
            v[static_cast<size_t>(j * stride + e)] = p.v[static_cast<size_t>(j * p.kv_stride + e)];
        }
    }
    const std::vector<float> want = run(p);
    p.k = k;
    p.v = v;
    p.kv_stride = stride;
    p.capacity = capacity;
    const std::vector<float> got = run(p);
    for (size_t i = 0; i < got.size(); ++i) BOOST_TEST(got[i] == want[i], "output " << i);
    // Token 0 must not see the later tokens' keys even though they are valid:
    // a causal check against the double formula on the padded cache.
    check(p, got, "padded cache");
}
