// SPDX-License-Identifier: MIT
// TQ1_0 / TQ2_0 against bytes worked out by hand from ggml-quants.c's reference
// quantizers, round trips on random rows, and the repack to I2_S.
#define BOOST_TEST_MODULE gguf_ternary_blocks
#include <boost/test/unit_test.hpp>

#include <cstring>
#include <random>
#include <vector>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/gguf_writer.hpp"
#include "bitnet/ternary_blocks.hpp"

using bitnet::gguf::TensorType;

namespace {

std::vector<int8_t> random_ternary(size_t n, uint32_t seed) {
    std::mt19937 rng(seed);
    std::vector<int8_t> w(n);
    for (auto& v : w) v = static_cast<int8_t>(static_cast<int>(rng() % 3) - 1);
    return w;
}

}  // namespace

BOOST_AUTO_TEST_CASE(tq2_0_bytes_follow_ggml) {
    std::vector<int8_t> w(256, 0);
    w[0] = 1;     // byte 0, bits 1..0: code 2
    w[32] = -1;   // byte 0, bits 3..2: code 0
    w[129] = 1;   // second 128: byte 32 + 1, bits 1..0
    const auto b = bitnet::gguf::encode_tq(TensorType::TQ2_0, w.data(), 1, 256, 0.5f);
    BOOST_TEST_REQUIRE(b.size() == 66u);
    BOOST_TEST(b[0] == (2 | 0 << 2 | 1 << 4 | 1 << 6));
    BOOST_TEST(b[1] == 0x55);  // four zeros: code 1 each
    BOOST_TEST(b[33] == (2 | 1 << 2 | 1 << 4 | 1 << 6));
    uint16_t d;
    std::memcpy(&d, &b[64], 2);
    BOOST_TEST(d == bitnet::f32_to_f16(0.5f));
}

BOOST_AUTO_TEST_CASE(tq1_0_bytes_follow_ggml) {
    std::vector<int8_t> w(256, 0);
    w[0] = 1;  // digits of byte 0: elements 0, 32, 64, 96, 128 = 2,1,1,1,1
    // q = 2*81 + 27 + 9 + 3 + 1 = 202; ceil(202 * 256 / 243) = 213
    const auto b = bitnet::gguf::encode_tq(TensorType::TQ1_0, w.data(), 1, 256, 1.0f);
    BOOST_TEST_REQUIRE(b.size() == 54u);
    BOOST_TEST(b[0] == 213);
    BOOST_TEST(b[1] == 128);   // all zeros, digits 1: q = 121; ceil(121 * 256 / 243) = 128
    BOOST_TEST(b[48] == 127);  // qh: digits 1111 = 40, times 3 = 120; ceil(120 * 256 / 243) = 127
}

BOOST_AUTO_TEST_CASE(random_rows_round_trip_and_repack_to_i2s) {
    for (TensorType t : {TensorType::TQ1_0, TensorType::TQ2_0}) {
        const int64_t rows = 7, k = 768;
        auto w = random_ternary(rows * k, 3);
        std::fill(w.begin() + 256, w.begin() + 512, 0);  // an all-zero block: d = 0
        const float scale = 0.03125f;
        const auto bytes = bitnet::gguf::encode_tq(t, w.data(), rows, k, scale);
        BOOST_TEST(bytes.size() == uint64_t(rows * 3) * bitnet::gguf::tq_block_bytes(t));
        std::vector<int8_t> back(k);
        std::vector<float> scales(3);
        for (int64_t r = 0; r < rows; ++r) {
            bitnet::gguf::decode_tq_row(t, bytes.data() + r * 3 * bitnet::gguf::tq_block_bytes(t), k, back.data(),
                                        scales.data());
            BOOST_TEST(std::equal(back.begin(), back.end(), w.begin() + r * k), "row " << r);
            BOOST_TEST(scales[0] == scale);
            BOOST_TEST(scales[1] == (r == 0 ? 0.0f : scale));
        }
        const auto repack = bitnet::gguf::tq_to_i2s(t, bytes.data(), rows, k);
        BOOST_TEST(repack.block_scales.empty());
        const auto& i2s = repack.i2s;
        BOOST_TEST((i2s == bitnet::gguf::pack_i2s(w.data(), rows, k, scale)));
    }
}

BOOST_AUTO_TEST_CASE(blocks_with_different_scales_keep_them_beside_the_codes) {
    auto w = random_ternary(512, 5);
    auto a = bitnet::gguf::encode_tq(TensorType::TQ2_0, w.data(), 1, 512, 1.0f);
    const uint16_t other = bitnet::f32_to_f16(2.0f);
    std::memcpy(&a[66 + 64], &other, 2);
    const auto repack = bitnet::gguf::tq_to_i2s(TensorType::TQ2_0, a.data(), 1, 512);
    BOOST_TEST(repack.block_scales == std::vector<float>({1.0f, 2.0f}), boost::test_tools::per_element());
    BOOST_TEST((repack.i2s == bitnet::gguf::pack_i2s(w.data(), 1, 512, 1.0f)));
    BOOST_CHECK_THROW(bitnet::gguf::encode_tq(TensorType::TQ2_0, w.data(), 1, 128, 1.0f), bitnet::Error);
}
