// SPDX-License-Identifier: MIT
// Layouts and dequantization as ggml-quants.c's block_q8_0 / block_q6_K and
// ggml's bf16 widening; docs/architectures.md, "Weight types".
#include "bitnet/dense_types.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "bitnet/error.hpp"
#include "bitnet/f16.hpp"

namespace bitnet::gguf {
namespace {

constexpr int64_t kQ8Block = 32;
constexpr uint64_t kQ8Bytes = 34;  // f16 d, then 32 int8
constexpr int64_t kQ6Block = 256;
constexpr uint64_t kQ6Bytes = 210;  // ql[128], qh[64], scales[16], f16 d

uint16_t load_u16(const uint8_t* p) {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return v;
}

void store_u16(uint8_t* p, uint16_t v) { std::memcpy(p, &v, 2); }

float bf16_to_f32(uint16_t h) { return std::bit_cast<float>(static_cast<uint32_t>(h) << 16); }

// ggml_compute_fp32_to_bf16: NaN kept quiet, else round to nearest even.
uint16_t f32_to_bf16(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 64);
    return static_cast<uint16_t>((u + (0x7fffu + ((u >> 16) & 1u))) >> 16);
}

void dequantize_q6_k_block(const uint8_t* b, float* y) {
    const uint8_t* ql = b;
    const uint8_t* qh = b + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(b + 192);
    const float d = f16_to_f32(load_u16(b + 208));
    for (int n = 0; n < kQ6Block; n += 128) {
        for (int l = 0; l < 32; ++l) {
            const int is = l / 16;
            const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
            const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
            const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
            const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
            y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
            y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
            y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
            y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

// Element j of a Q6_K block sits in nibble/bit-pair slots the dequantizer above
// reads: half h = j / 128, then l = j % 32 and which quarter (j % 128) / 32.
void quantize_q6_k_block(const float* x, uint8_t* b) {
    std::memset(b, 0, kQ6Bytes);
    float sub_scale[16];
    float max_scale = 0.0f;
    for (int s = 0; s < 16; ++s) {
        float amax = 0.0f;
        for (int i = 0; i < 16; ++i) amax = std::max(amax, std::fabs(x[16 * s + i]));
        sub_scale[s] = amax / 31.0f;
        max_scale = std::max(max_scale, sub_scale[s]);
    }
    const uint16_t dh = f32_to_f16(max_scale / 127.0f);
    store_u16(b + 208, dh);
    const float d = f16_to_f32(dh);
    auto* sc = reinterpret_cast<int8_t*>(b + 192);
    for (int s = 0; s < 16; ++s)
        sc[s] = static_cast<int8_t>(d > 0.0f ? std::clamp(std::nearbyint(sub_scale[s] / d), -128.0f, 127.0f) : 0.0f);
    for (int j = 0; j < kQ6Block; ++j) {
        const int h = j / 128, r = j % 128, quarter = r / 32, l = r % 32;
        const float step = d * static_cast<float>(sc[j / 16]);
        const int q = step != 0.0f ? static_cast<int>(std::clamp(std::nearbyint(x[j] / step), -32.0f, 31.0f)) : 0;
        const auto u = static_cast<uint8_t>(q + 32);
        uint8_t* ql = b + 64 * h + l + (quarter % 2) * 32;
        *ql |= static_cast<uint8_t>((quarter < 2 ? (u & 0xF) : (u & 0xF) << 4));
        b[128 + 32 * h + l] |= static_cast<uint8_t>(((u >> 4) & 3) << (2 * quarter));
    }
}

void check_row(TensorType t, int64_t k) {
    if (!is_dense(t)) throw Error("not an embedding type: " + ggml_type_name(static_cast<uint32_t>(t)));
    if (k <= 0 || k % dense_block_size(t))
        throw Error(ggml_type_name(static_cast<uint32_t>(t)) + " needs rows of whole " +
                    std::to_string(dense_block_size(t)) + "-element blocks, got " + std::to_string(k));
}

}  // namespace

bool is_dense(TensorType t) {
    return t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16 || t == TensorType::Q8_0 ||
           t == TensorType::Q6_K;
}

int64_t dense_block_size(TensorType t) {
    return t == TensorType::Q8_0 ? kQ8Block : t == TensorType::Q6_K ? kQ6Block : 1;
}

uint64_t dense_row_bytes(TensorType t, uint64_t n) {
    switch (t) {
        case TensorType::F32: return n * 4;
        case TensorType::F16:
        case TensorType::BF16: return n * 2;
        case TensorType::Q8_0: return n / kQ8Block * kQ8Bytes;
        case TensorType::Q6_K: return n / kQ6Block * kQ6Bytes;
        default: throw Error("not an embedding type: " + ggml_type_name(static_cast<uint32_t>(t)));
    }
}

void dequantize_row(TensorType t, const uint8_t* src, float* dst, int64_t k) {
    check_row(t, k);
    switch (t) {
        case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(k) * 4); return;
        case TensorType::F16:
            for (int64_t i = 0; i < k; ++i) dst[i] = f16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::BF16:
            for (int64_t i = 0; i < k; ++i) dst[i] = bf16_to_f32(load_u16(src + 2 * i));
            return;
        case TensorType::Q8_0:
            for (int64_t b = 0; b < k / kQ8Block; ++b, src += kQ8Bytes) {
                const float d = f16_to_f32(load_u16(src));
                const auto* q = reinterpret_cast<const int8_t*>(src + 2);
                for (int64_t j = 0; j < kQ8Block; ++j) dst[b * kQ8Block + j] = static_cast<float>(q[j]) * d;
            }
            return;
        case TensorType::Q6_K:
            for (int64_t b = 0; b < k / kQ6Block; ++b) dequantize_q6_k_block(src + b * kQ6Bytes, dst + b * kQ6Block);
            return;
        default: return;
    }
}

void quantize_row(TensorType t, const float* src, uint8_t* dst, int64_t k) {
    check_row(t, k);
    switch (t) {
        case TensorType::F32: std::memcpy(dst, src, static_cast<size_t>(k) * 4); return;
        case TensorType::F16:
            for (int64_t i = 0; i < k; ++i) store_u16(dst + 2 * i, f32_to_f16(src[i]));
            return;
        case TensorType::BF16:
            for (int64_t i = 0; i < k; ++i) store_u16(dst + 2 * i, f32_to_bf16(src[i]));
            return;
        case TensorType::Q8_0:
            for (int64_t b = 0; b < k / kQ8Block; ++b, dst += kQ8Bytes) {
                const float* x = src + b * kQ8Block;
                float amax = 0.0f;
                for (int64_t j = 0; j < kQ8Block; ++j) amax = std::max(amax, std::fabs(x[j]));
                const float d = amax / 127.0f;
                const float id = d != 0.0f ? 1.0f / d : 0.0f;
                store_u16(dst, f32_to_f16(d));
                auto* q = reinterpret_cast<int8_t*>(dst + 2);
                for (int64_t j = 0; j < kQ8Block; ++j) q[j] = static_cast<int8_t>(std::round(x[j] * id));
            }
            return;
        case TensorType::Q6_K:
            for (int64_t b = 0; b < k / kQ6Block; ++b) quantize_q6_k_block(src + b * kQ6Block, dst + b * kQ6Bytes);
            return;
        default: return;
    }
}

}  // namespace bitnet::gguf
