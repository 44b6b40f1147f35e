// SPDX-License-Identifier: MIT
// bitnet-bench's greedy argmax against std::max_element: random logits of odd
// and lane-multiple sizes, ties (the first wins), infinities and the maximum in
// the tail past the last full lane group.
#define BOOST_TEST_MODULE bench_argmax
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "argmax.hpp"

using bitnet::bench::argmax;

namespace {
int32_t reference(const std::vector<float>& v) {
    return static_cast<int32_t>(std::max_element(v.begin(), v.end()) - v.begin());
}
}  // namespace

BOOST_AUTO_TEST_CASE(matches_max_element_on_random_logits) {
    std::mt19937 rng(7);
    std::normal_distribution<float> logit(0.0f, 4.0f);
    for (size_t n : {1u, 2u, 15u, 16u, 17u, 31u, 33u, 1000u, 131072u, 128256u}) {
        for (int round = 0; round < 20; ++round) {
            std::vector<float> v(n);
            for (auto& x : v) x = logit(rng);
            BOOST_TEST(argmax(v) == reference(v), "n " << n << " round " << round);
        }
    }
}

BOOST_AUTO_TEST_CASE(ties_go_to_the_first_and_the_tail_counts) {
    std::vector<float> v(37, -1.0f);
    v[5] = 3.0f;
    v[21] = 3.0f;
    BOOST_TEST(argmax(v) == 5);
    v[36] = 4.0f;  // past the last group of 16
    BOOST_TEST(argmax(v) == 36);
    std::vector<float> same(64, 0.5f);
    BOOST_TEST(argmax(same) == 0);
}

BOOST_AUTO_TEST_CASE(infinities_and_negative_values) {
    std::vector<float> v(50, -INFINITY);
    BOOST_TEST(argmax(v) == 0);
    v[40] = -1e30f;
    BOOST_TEST(argmax(v) == 40);
    v[3] = INFINITY;
    BOOST_TEST(argmax(v) == 3);
}
