// SPDX-License-Identifier: MIT
// Heads in llama.cpp's block types (Q8_0, Q6_K) against an input the host
// quantized per block: an exact integer dot per block, then dot16 of those dots
// with the blocks' scale products (kernel_plugin.h, bitnet_kp_block_matmul_args).
#include <bitnet/kernel_plugin.h>

#include <cstring>
#include <vector>

#include "f16_convert.hpp"
#include "reduction_order.hpp"
#include "scalar_kernels.hpp"

namespace bitnet::scalar {
namespace {

constexpr int64_t kQ8Block = 32, kQ8Bytes = 34;
constexpr int64_t kQ6Block = 256, kQ6Bytes = 210, kQ8KBytes = 292;

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

float load_f32(const uint8_t* p) {
    float v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

int32_t q8_0_block_dot(const uint8_t* w, const uint8_t* x) {
    const auto* qw = reinterpret_cast<const int8_t*>(w + 2);
    const auto* qx = reinterpret_cast<const int8_t*>(x + 2);
    int32_t s = 0;
    for (int i = 0; i < kQ8Block; ++i) s += int32_t{qw[i]} * int32_t{qx[i]};
    return s;
}

// Element e of a Q6_K block, as the header lays it out: a value in [-32, 31].
int32_t q6_k_value(const uint8_t* b, int e) {
    const int h = e / 128, l = e % 32, u = (e % 128) / 32;
    const uint8_t ql = b[64 * h + l + 32 * (u % 2)];
    const int lo = u < 2 ? (ql & 0xF) : (ql >> 4);
    const int hi = (b[128 + 32 * h + l] >> (2 * u)) & 3;
    return (lo | (hi << 4)) - 32;
}

int32_t q6_k_block_dot(const uint8_t* w, const uint8_t* x) {
    const auto* sc = reinterpret_cast<const int8_t*>(w + 192);
    const auto* qx = reinterpret_cast<const int8_t*>(x + 4);
    int32_t s = 0;
    for (int j = 0; j < 16; ++j) {
        int32_t sub = 0;
        for (int i = 16 * j; i < 16 * j + 16; ++i) sub += q6_k_value(w, i) * int32_t{qx[i]};
        s += int32_t{sc[j]} * sub;
    }
    return s;
}

// Every row r in [begin, end) for every token: the per-block dots and scale
// products of one (row, token) pair, then their dot16.
template <typename Block>
void block_matmul(const bitnet_kp_block_matmul_args* a, int64_t begin, int64_t end, int64_t block, int64_t w_bytes,
                  int64_t x_bytes, Block each_block) {
    const int64_t nb = a->k / block;
    std::vector<float> s(static_cast<size_t>(nb)), p(static_cast<size_t>(nb));
    for (int64_t r = begin; r < end; ++r) {
        const uint8_t* w = a->w + r * nb * w_bytes;
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const uint8_t* x = a->x + t * nb * x_bytes;
            for (int64_t b = 0; b < nb; ++b) each_block(w + b * w_bytes, x + b * x_bytes, s[b], p[b]);
            a->y[t * a->ldy + r] = dot16([&](int64_t i) { return s[i]; }, [&](int64_t i) { return p[i]; }, nb);
        }
    }
}

}  // namespace

void q8_0_matmul(const void* raw, int64_t begin, int64_t end) {
    block_matmul(static_cast<const bitnet_kp_block_matmul_args*>(raw), begin, end, kQ8Block, kQ8Bytes, kQ8Bytes,
                 [](const uint8_t* w, const uint8_t* x, float& s, float& p) {
                     s = static_cast<float>(q8_0_block_dot(w, x));
                     p = f16_to_f32(load_u16(w)) * f16_to_f32(load_u16(x));  // exact: 11 x 11 bits
                 });
}

void q6_k_matmul(const void* raw, int64_t begin, int64_t end) {
    block_matmul(static_cast<const bitnet_kp_block_matmul_args*>(raw), begin, end, kQ6Block, kQ6Bytes, kQ8KBytes,
                 [](const uint8_t* w, const uint8_t* x, float& s, float& p) {
                     s = static_cast<float>(q6_k_block_dot(w, x));
                     p = f16_to_f32(load_u16(w + 208)) * load_f32(x);
                 });
}

}  // namespace bitnet::scalar
