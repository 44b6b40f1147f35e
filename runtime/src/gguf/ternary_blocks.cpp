// SPDX-License-Identifier: MIT
// Layouts as ggml-quants.c's quantize_row_tq{1,2}_0_ref / dequantize_row_tq{1,2}_0.
#include "bitnet/ternary_blocks.hpp"

#include <cstring>
#include <string>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"
#include "bitnet/gguf_writer.hpp"

namespace bitnet::gguf {
namespace {

constexpr uint8_t kPow3[6] = {1, 3, 9, 27, 81, 243};

// Digit n (0 = most significant) of a byte holding base-3 digits scaled by 256/243.
int trit(uint8_t q, int n) {
    const auto shifted = static_cast<uint8_t>(q * kPow3[n]);
    return (static_cast<uint16_t>(shifted) * 3) >> 8;
}

// Digits most significant first, then the ceiling division that spreads them over a byte.
uint8_t pack_trits(const int8_t* w, int count, int64_t stride, bool pad) {
    unsigned q = 0;
    for (int n = 0; n < count; ++n) q = q * 3 + static_cast<unsigned>(w[n * stride] + 1);
    if (pad) q *= 3;
    return static_cast<uint8_t>((q * 256 + 242) / 243);
}

void check(TensorType t, int64_t k) {
    if (!is_tq(t)) throw Error("not a TQ type: " + ggml_type_name(static_cast<uint32_t>(t)));
    if (k <= 0 || k % kTqBlock) throw Error(ggml_type_name(static_cast<uint32_t>(t)) + " needs k % 256 == 0");
}

}  // namespace

bool is_tq(TensorType t) { return t == TensorType::TQ1_0 || t == TensorType::TQ2_0; }
uint64_t tq_block_bytes(TensorType t) { return t == TensorType::TQ1_0 ? 54 : 66; }

void decode_tq_row(TensorType t, const uint8_t* row, int64_t k, int8_t* w, float* scales) {
    check(t, k);
    const uint64_t bb = tq_block_bytes(t);
    for (int64_t b = 0; b < k / kTqBlock; ++b) {
        const uint8_t* blk = row + b * bb;
        int8_t* out = w + b * kTqBlock;
        uint16_t d;
        std::memcpy(&d, blk + bb - 2, 2);
        scales[b] = f16_to_f32(d);
        if (t == TensorType::TQ2_0) {
            for (int j = 0; j < 64; j += 32)
                for (int l = 0; l < 4; ++l)
                    for (int m = 0; m < 32; ++m) *out++ = static_cast<int8_t>(((blk[j + m] >> (2 * l)) & 3) - 1);
            continue;
        }
        for (int n = 0; n < 5; ++n)
            for (int m = 0; m < 32; ++m) *out++ = static_cast<int8_t>(trit(blk[m], n) - 1);
        for (int n = 0; n < 5; ++n)
            for (int m = 0; m < 16; ++m) *out++ = static_cast<int8_t>(trit(blk[32 + m], n) - 1);
        for (int n = 0; n < 4; ++n)
            for (int j = 0; j < 4; ++j) *out++ = static_cast<int8_t>(trit(blk[48 + j], n) - 1);
    }
}

std::vector<uint8_t> encode_tq(TensorType t, const int8_t* w, int64_t rows, int64_t k, float scale) {
    check(t, k);
    const uint64_t bb = tq_block_bytes(t);
    std::vector<uint8_t> out(static_cast<uint64_t>(rows) * static_cast<uint64_t>(k / kTqBlock) * bb, 0);
    uint8_t* dst = out.data();
    for (int64_t b = 0; b < rows * (k / kTqBlock); ++b, dst += bb) {
        const int8_t* x = w + b * kTqBlock;
        bool nonzero = false;
        for (int64_t i = 0; i < kTqBlock; ++i) nonzero |= x[i] != 0;
        const uint16_t d = f32_to_f16(nonzero ? scale : 0.0f);
        std::memcpy(dst + bb - 2, &d, 2);
        if (t == TensorType::TQ2_0) {
            for (int j = 0; j < 64; j += 32, x += 128)
                for (int m = 0; m < 32; ++m) {
                    uint8_t q = 0;
                    for (int n = 0; n < 4; ++n) q |= static_cast<uint8_t>((x[m + n * 32] + 1) << (2 * n));
                    dst[j + m] = q;
                }
            continue;
        }
        for (int m = 0; m < 32; ++m) dst[m] = pack_trits(x + m, 5, 32, false);
        x += 160;
        for (int m = 0; m < 16; ++m) dst[32 + m] = pack_trits(x + m, 5, 16, false);
        x += 80;
        for (int j = 0; j < 4; ++j) dst[48 + j] = pack_trits(x + j, 4, 4, true);
    }
    return out;
}

TqRepack tq_to_i2s(TensorType t, const uint8_t* data, int64_t rows, int64_t k) {
    check(t, k);
    const int64_t blocks = k / kTqBlock;
    const uint64_t row_bytes = static_cast<uint64_t>(blocks) * tq_block_bytes(t);
    std::vector<int8_t> w(static_cast<uint64_t>(rows) * static_cast<uint64_t>(k));
    std::vector<float> d(static_cast<uint64_t>(rows) * static_cast<uint64_t>(blocks));
    float scale = 0.0f;
    bool uniform = true;
    for (int64_t r = 0; r < rows; ++r) {
        decode_tq_row(t, data + r * row_bytes, k, w.data() + r * k, d.data() + r * blocks);
        for (int64_t b = 0; b < blocks && uniform; ++b) {
            bool nonzero = false;
            for (int64_t i = 0; i < kTqBlock; ++i) nonzero |= w[r * k + b * kTqBlock + i] != 0;
            if (!nonzero) continue;
            if (scale == 0.0f) scale = d[r * blocks + b];
            uniform = d[r * blocks + b] == scale;
        }
    }
    if (uniform) return {pack_i2s(w.data(), rows, k, scale), {}};
    return {pack_i2s(w.data(), rows, k, 1.0f), std::move(d)};
}

}  // namespace bitnet::gguf
