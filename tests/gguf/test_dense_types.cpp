// SPDX-License-Identifier: MIT
// Embedding and head types: bytes worked out by hand from ggml-quants.c's
// block_q8_0 / block_q6_K layouts decode to the values llama.cpp gives, and the
// writer's quantizers round-trip within each type's step.
#define BOOST_TEST_MODULE gguf_dense_types
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "bitnet/block_input.hpp"
#include "bitnet/dense_types.hpp"
#include "bitnet/error.hpp"

namespace {

using bitnet::gguf::TensorType;
using bitnet::gguf::dequantize_row;
using bitnet::gguf::quantize_row;

std::vector<float> decode(TensorType t, const std::vector<uint8_t>& bytes, int64_t k) {
    std::vector<float> out(static_cast<size_t>(k));
    dequantize_row(t, bytes.data(), out.data(), k);
    return out;
}

}  // namespace

BOOST_AUTO_TEST_CASE(q8_0_is_d_times_q) {
    std::vector<uint8_t> b(34, 0);
    b[0] = 0x00, b[1] = 0x38;  // f16 0.5
    const int8_t q[] = {1, -2, 127, -128};
    std::memcpy(b.data() + 2, q, sizeof q);
    const auto y = decode(TensorType::Q8_0, b, 32);
    BOOST_TEST(y[0] == 0.5f);
    BOOST_TEST(y[1] == -1.0f);
    BOOST_TEST(y[2] == 63.5f);
    BOOST_TEST(y[3] == -64.0f);
    BOOST_TEST(y[31] == 0.0f);
}

BOOST_AUTO_TEST_CASE(q6_k_reads_nibbles_bit_pairs_and_sub_block_scales) {
    std::vector<uint8_t> b(210, 0);
    uint8_t* ql = b.data();
    uint8_t* qh = b.data() + 128;
    auto* sc = reinterpret_cast<int8_t*>(b.data() + 192);
    b[208] = 0x00, b[209] = 0x3C;  // d = 1
    sc[0] = 2, sc[2] = 3, sc[4] = 4, sc[6] = 1, sc[15] = -1;
    ql[0] = 0x5A;           // element 0: low nibble 10; element 64: high nibble 5
    ql[32] = 0x37;          // element 32: 7; element 96: 3
    qh[0] = 0b11100100;     // bit pairs 0, 1, 2, 3 for elements 0, 32, 64, 96
    ql[127] = 0xF0, qh[63] = 0xC0;  // element 255: 15 | 3 << 4
    const auto y = decode(TensorType::Q6_K, b, 256);
    BOOST_TEST(y[0] == 2.0f * (10 - 32));
    BOOST_TEST(y[1] == 2.0f * -32);
    BOOST_TEST(y[32] == 3.0f * ((7 | 1 << 4) - 32));
    BOOST_TEST(y[64] == 4.0f * ((5 | 2 << 4) - 32));
    BOOST_TEST(y[96] == 1.0f * ((3 | 3 << 4) - 32));
    BOOST_TEST(y[255] == -1.0f * (63 - 32));
    BOOST_TEST(y[16] == 0.0f);  // sc[1] = 0
}

BOOST_AUTO_TEST_CASE(bf16_is_the_high_half_of_an_f32) {
    const std::vector<uint8_t> b = {0xC0, 0x3F, 0x80, 0xBF};
    const auto y = decode(TensorType::BF16, b, 2);
    BOOST_TEST(y[0] == 1.5f);
    BOOST_TEST(y[1] == -1.0f);
}

BOOST_AUTO_TEST_CASE(quantizers_round_trip_within_their_step) {
    std::mt19937 rng(5);
    std::normal_distribution<float> n(0.0f, 0.02f);
    const int64_t k = 512;
    std::vector<float> x(k);
    for (float& v : x) v = n(rng);
    x[7] = 0.3f;  // an outlier in one Q8_0 block and one Q6_K sub-block
    struct Case {
        TensorType t;
        int64_t block;
        double rel;  // allowed |error| / block absmax
    };
    for (const Case& c : {Case{TensorType::F32, 1, 0.0}, Case{TensorType::F16, 1, 1.0 / 1024},
                          Case{TensorType::BF16, 1, 1.0 / 128}, Case{TensorType::Q8_0, 32, 0.5 / 127 + 1e-3},
                          Case{TensorType::Q6_K, 16, 0.5 / 31 + 0.02}}) {
        std::vector<uint8_t> bytes(bitnet::gguf::dense_row_bytes(c.t, k));
        quantize_row(c.t, x.data(), bytes.data(), k);
        const auto y = decode(c.t, bytes, k);
        for (int64_t b = 0; b < k; b += c.block) {
            double amax = 0;
            for (int64_t i = b; i < b + c.block; ++i) amax = std::max(amax, std::fabs(double(x[i])));
            for (int64_t i = b; i < b + c.block; ++i)
                BOOST_TEST(std::fabs(double(y[i]) - x[i]) <= c.rel * amax,
                           bitnet::gguf::ggml_type_name(static_cast<uint32_t>(c.t)) << " element " << i << ": "
                                                                                   << x[i] << " -> " << y[i]);
        }
    }
}

BOOST_AUTO_TEST_CASE(rows_of_partial_blocks_are_refused) {
    std::vector<uint8_t> bytes(64, 0);
    std::vector<float> out(48);
    BOOST_CHECK_THROW(dequantize_row(TensorType::Q8_0, bytes.data(), out.data(), 48), bitnet::Error);
    BOOST_CHECK_THROW(dequantize_row(TensorType::I2_S, bytes.data(), out.data(), 32), bitnet::Error);
}

// A head's input as llama.cpp quantizes it for the head's type: Q8_0 rounds half
// away from zero (roundf), Q8_K half to even from -127/x_max, with sums per 16.
BOOST_AUTO_TEST_CASE(head_inputs_are_ggmls_q8_0_and_q8_k_blocks) {
    using bitnet::gguf::block_input_row_bytes;
    using bitnet::gguf::quantize_block_input;
    std::vector<float> x(256, 0.0f);
    x[0] = 2.5f, x[1] = 3.5f, x[2] = -0.5f, x[3] = 126.6f, x[5] = -127.0f, x[20] = 7.0f;
    BOOST_TEST(block_input_row_bytes(TensorType::Q8_0, 256) == 8u * 34u);
    BOOST_TEST(block_input_row_bytes(TensorType::Q6_K, 256) == 292u);

    std::vector<uint8_t> q8_0(block_input_row_bytes(TensorType::Q8_0, 256));
    quantize_block_input(TensorType::Q8_0, x.data(), q8_0.data(), 256);
    BOOST_TEST(q8_0[0] == 0x00);  // f16 1.0: amax 127 / 127
    BOOST_TEST(q8_0[1] == 0x3C);
    const auto* q = reinterpret_cast<const int8_t*>(q8_0.data() + 2);
    BOOST_TEST(q[0] == 3);   // 2.5 away from zero
    BOOST_TEST(q[1] == 4);
    BOOST_TEST(q[2] == -1);  // -0.5 away from zero
    BOOST_TEST(q[3] == 127);
    BOOST_TEST(q[5] == -127);

    std::vector<uint8_t> q8_k(292);
    quantize_block_input(TensorType::Q6_K, x.data(), q8_k.data(), 256);
    float d;
    std::memcpy(&d, q8_k.data(), 4);
    BOOST_TEST(d == 1.0f);  // x_max = -127: iscale = 1
    const auto* qk = reinterpret_cast<const int8_t*>(q8_k.data() + 4);
    BOOST_TEST(qk[0] == 2);  // 2.5 to even
    BOOST_TEST(qk[1] == 4);
    BOOST_TEST(qk[2] == 0);
    BOOST_TEST(qk[3] == 127);
    BOOST_TEST(qk[5] == -127);
    BOOST_TEST(qk[20] == 7);
    int16_t bsum[16];
    std::memcpy(bsum, q8_k.data() + 260, sizeof bsum);
    BOOST_TEST(bsum[0] == 2 + 4 + 0 + 127 - 127);
    BOOST_TEST(bsum[1] == 7);
    BOOST_TEST(bsum[2] == 0);

    // The largest magnitude positive: its sign flips the scale, x_max still maps to +-127.
    for (float& v : x) v = -v;
    quantize_block_input(TensorType::Q6_K, x.data(), q8_k.data(), 256);
    std::memcpy(&d, q8_k.data(), 4);
    BOOST_TEST(d == -1.0f);
    BOOST_TEST(qk[5] == -127);
    BOOST_TEST(qk[0] == 2);
    BOOST_CHECK_THROW(quantize_block_input(TensorType::Q6_K, x.data(), q8_k.data(), 100), bitnet::Error);
    BOOST_CHECK_THROW(quantize_block_input(TensorType::F16, x.data(), q8_k.data(), 256), bitnet::Error);
}
