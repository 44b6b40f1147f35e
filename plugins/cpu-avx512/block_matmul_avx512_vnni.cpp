// SPDX-License-Identifier: MIT
// Heads in llama.cpp's Q8_0 and Q6_K blocks (ABI 1.6) with VNNI. Each block's
// integer dot is exact, so any instruction mix gives the reference's value; the
// float side is kernel_plugin.h's dot16 over blocks: sixteen blocks' dots and
// scale products per fused step into one 16-lane accumulator, folded at the end.
//
// vpdpbusd multiplies unsigned by signed bytes. A Q8_0 weight byte is offset to
// unsigned (w + 128) and the input's block sums, taken once per call, take the
// offset back out; Q6_K's codes are unsigned already (value + 32), and the input
// block's sums per 16 (part of Q8_K) take the 32 back out.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include <cstring>
#include <vector>

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int64_t kChunk = 16;  // dot16's lanes: blocks per fused step
constexpr int64_t kPrefetchBytes = 4096;  // ahead in the row stream, into L2

float half_at(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// ---- Q8_0: 34-byte blocks, f16 d then int8 q[32] on both sides.
constexpr int64_t kQ8Block = 32, kQ8Bytes = 34;

struct Q8Input {
    const uint8_t* blocks;
    int32_t* offset;  // 128 * the sum of each block's q: what w + 128 adds
    float* d;
};

// Per token, nb offsets and scales in storage (2 * nb words) the caller keeps
// across calls: the head is split into many calls of a few rows each.
Q8Input prepare_q8_0(const uint8_t* x, int64_t nb, uint32_t* storage) {
    Q8Input in{x, reinterpret_cast<int32_t*>(storage), reinterpret_cast<float*>(storage + nb)};
    const __m256i ones = _mm256_set1_epi8(1);
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* blk = x + b * kQ8Bytes;
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
        const __m256i s = _mm256_dpbusd_epi32(_mm256_setzero_si256(), ones, q);
        const __m128i h = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
        const __m128i h2 = _mm_add_epi32(h, _mm_shuffle_epi32(h, _MM_SHUFFLE(1, 0, 3, 2)));
        in.offset[b] = 128 * _mm_cvtsi128_si32(_mm_add_epi32(h2, _mm_shuffle_epi32(h2, _MM_SHUFFLE(2, 3, 0, 1))));
        in.d[b] = half_at(blk);
    }
    return in;
}

// Eight vectors of eight int32 partial sums to their eight totals, in order.
__m256i sum8x8(const __m256i v[8]) {
    const __m256i a0 = _mm256_hadd_epi32(v[0], v[1]), a1 = _mm256_hadd_epi32(v[2], v[3]);
    const __m256i a2 = _mm256_hadd_epi32(v[4], v[5]), a3 = _mm256_hadd_epi32(v[6], v[7]);
    const __m256i b0 = _mm256_hadd_epi32(a0, a1), b1 = _mm256_hadd_epi32(a2, a3);
    return _mm256_add_epi32(_mm256_permute2x128_si256(b0, b1, 0x20), _mm256_permute2x128_si256(b0, b1, 0x31));
}

__m256i q8_0_partials(const uint8_t* w, const uint8_t* x) {
    const __m256i wu = _mm256_xor_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2)),
                                        _mm256_set1_epi8(static_cast<char>(0x80)));
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), wu, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 2)));
}

// Blocks c..c+15's dots (minus the input's offset) and scale products, as
// vectors. The sixteen weight d are copied out one by one: a vpgatherdd costs
// more than sixteen scalar loads where the microcode mitigates Downfall.
void q8_0_chunk(const uint8_t* w, const Q8Input& in, int64_t c, __m512i& dots, __m512& p) {
    const uint8_t* ahead = w + c * kQ8Bytes + kPrefetchBytes;
    for (int64_t off = 0; off < kChunk * kQ8Bytes; off += 64)
        _mm_prefetch(reinterpret_cast<const char*>(ahead + off), _MM_HINT_T1);
    __m256i v[2][8];
    for (int g = 0; g < 2; ++g)
        for (int i = 0; i < 8; ++i) {
            const int64_t b = c + 8 * g + i;
            v[g][i] = q8_0_partials(w + b * kQ8Bytes, in.blocks + b * kQ8Bytes);
        }
    dots = _mm512_sub_epi32(_mm512_inserti64x4(_mm512_castsi256_si512(sum8x8(v[0])), sum8x8(v[1]), 1),
                            _mm512_loadu_si512(in.offset + c));
    alignas(32) uint16_t dw[kChunk];
    for (int64_t i = 0; i < kChunk; ++i) std::memcpy(&dw[i], w + (c + i) * kQ8Bytes, 2);
    p = _mm512_mul_ps(_mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(dw))),
                      _mm512_loadu_ps(in.d + c));
}

float q8_0_row(const uint8_t* w, const Q8Input& in, int64_t nb) {
    __m512 acc = _mm512_setzero_ps();
    int64_t c = 0;
    for (; c + kChunk <= nb; c += kChunk) {
        __m512i dots;
        __m512 p;
        q8_0_chunk(w, in, c, dots, p);
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(dots), p, acc);
    }
    if (c < nb) {  // the last, short chunk: lanes past the end take s = p = 0
        alignas(64) int32_t dots[kChunk];
        alignas(64) float p[kChunk];
        const int64_t n = nb - c;
        for (int64_t g = 0; g < kChunk; g += 8) {
            __m256i v[8];
            for (int64_t i = 0; i < 8; ++i) {
                const int64_t b = c + g + i;
                v[i] = g + i < n ? q8_0_partials(w + b * kQ8Bytes, in.blocks + b * kQ8Bytes) : _mm256_setzero_si256();
            }
            _mm256_store_si256(reinterpret_cast<__m256i*>(dots + g), sum8x8(v));
        }
        for (int64_t i = 0; i < kChunk; ++i) {
            dots[i] = i < n ? dots[i] - in.offset[c + i] : 0;
            p[i] = i < n ? half_at(w + (c + i) * kQ8Bytes) * in.d[c + i] : 0.0f;
        }
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512(dots)), _mm512_load_ps(p), acc);
    }
    return fold16_ps(acc);
}

// ---- Q6_K: 210-byte blocks against 292-byte Q8_K input blocks.
constexpr int64_t kQ6Block = 256, kQ6Bytes = 210, kQ8KBytes = 292;

// One block's exact dot as sixteen int32 partial sums. A 64-byte vector holds 64
// elements of a half; a lane of vpdpbusd sums four, so lanes 4i..4i+3 are one
// sub-block of 16 and share a scale.
__m512i q6_k_partials(const uint8_t* w, const uint8_t* x) {
    const uint8_t* qh = w + 128;
    const auto* q8 = reinterpret_cast<const int8_t*>(x + 4);
    const __m512i m4 = _mm512_set1_epi8(0x0F), m3 = _mm512_set1_epi8(0x03);
    const __m512i scales = _mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(w + 192)));
    __m512i acc = _mm512_setzero_si512();
    for (int h = 0; h < 2; ++h) {
        const __m512i l = _mm512_loadu_si512(w + 64 * h);  // low nibbles: elements 0..63, high: 64..127
        const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh + 32 * h));
        const __m512i h01 = _mm512_inserti64x4(_mm512_castsi256_si512(hb), _mm256_srli_epi16(hb, 2), 1);
        const __m512i h23 =
            _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_srli_epi16(hb, 4)), _mm256_srli_epi16(hb, 6), 1);
        const __m512i codes[2] = {
            _mm512_or_si512(_mm512_and_si512(l, m4), _mm512_slli_epi16(_mm512_and_si512(h01, m3), 4)),
            _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l, 4), m4),
                            _mm512_slli_epi16(_mm512_and_si512(h23, m3), 4)),
        };
        for (int j = 0; j < 2; ++j) {
            const __m512i xq = _mm512_loadu_si512(q8 + 128 * h + 64 * j);
            const __m512i dots = _mm512_dpbusd_epi32(_mm512_setzero_si512(), codes[j], xq);
            const int first = 8 * h + 4 * j;  // the sub-block of lanes 0..3
            const __m512i lane_sub = _mm512_srli_epi32(
                _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), 2);
            const __m512i sc = _mm512_permutexvar_epi32(_mm512_add_epi32(lane_sub, _mm512_set1_epi32(first)), scales);
            acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(dots, sc));
        }
    }
    const __m512i bsum = _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 260)));
    return _mm512_sub_epi32(acc, _mm512_slli_epi32(_mm512_mullo_epi32(bsum, scales), 5));
}

// Sixteen vectors' lane sums, vector i's in lane i: unpacks and adds within
// 128-bit groups across four vectors, then two shuffle-and-add rounds across
// groups (one horizontal sum per block cost more than the decode).
__m512i sum16x16(const __m512i a[16]) {
    __m512i t[8], u[4], v[2];
    for (int i = 0; i < 8; ++i)
        t[i] = _mm512_add_epi32(_mm512_unpacklo_epi32(a[2 * i], a[2 * i + 1]),
                                _mm512_unpackhi_epi32(a[2 * i], a[2 * i + 1]));
    for (int i = 0; i < 4; ++i)
        u[i] = _mm512_add_epi32(_mm512_unpacklo_epi64(t[2 * i], t[2 * i + 1]),
                                _mm512_unpackhi_epi64(t[2 * i], t[2 * i + 1]));
    for (int i = 0; i < 2; ++i)
        v[i] = _mm512_add_epi32(_mm512_shuffle_i32x4(u[2 * i], u[2 * i + 1], _MM_SHUFFLE(2, 0, 2, 0)),
                                _mm512_shuffle_i32x4(u[2 * i], u[2 * i + 1], _MM_SHUFFLE(3, 1, 3, 1)));
    return _mm512_add_epi32(_mm512_shuffle_i32x4(v[0], v[1], _MM_SHUFFLE(2, 0, 2, 0)),
                            _mm512_shuffle_i32x4(v[0], v[1], _MM_SHUFFLE(3, 1, 3, 1)));
}

float q6_k_row(const uint8_t* w, const uint8_t* x, int64_t nb) {
    __m512 acc = _mm512_setzero_ps();
    for (int64_t c = 0; c < nb; c += kChunk) {
        const int64_t n = nb - c < kChunk ? nb - c : kChunk;
        // Blocks past the end keep d = 0 on both sides, so their p is 0.
        alignas(32) uint16_t dw[kChunk] = {};
        alignas(64) float dx[kChunk] = {};
        __m512i parts[kChunk];
        for (int64_t i = 0; i < kChunk; ++i) {
            if (i >= n) {
                parts[i] = _mm512_setzero_si512();
                continue;
            }
            const uint8_t* wb = w + (c + i) * kQ6Bytes;
            const uint8_t* xb = x + (c + i) * kQ8KBytes;
            for (int64_t off = 0; off < kQ6Bytes; off += 64)
                _mm_prefetch(reinterpret_cast<const char*>(wb + kPrefetchBytes + off), _MM_HINT_T1);
            parts[i] = q6_k_partials(wb, xb);
            std::memcpy(&dw[i], wb + 208, 2);
            std::memcpy(&dx[i], xb, 4);
        }
        const __m512 p =
            _mm512_mul_ps(_mm512_cvtph_ps(_mm256_load_si256(reinterpret_cast<const __m256i*>(dw))), _mm512_load_ps(dx));
        acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum16x16(parts)), p, acc);
    }
    return fold16_ps(acc);
}

}  // namespace

void q8_0_matmul_vnni(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_block_matmul_args*>(raw);
    const int64_t nb = a->k / kQ8Block;
    thread_local std::vector<uint32_t> storage;
    thread_local std::vector<Q8Input> in;
    storage.resize(static_cast<size_t>(2 * nb * a->n_tokens));
    in.clear();
    for (int64_t t = 0; t < a->n_tokens; ++t)
        in.push_back(prepare_q8_0(a->x + t * nb * kQ8Bytes, nb, storage.data() + 2 * nb * t));
    for (int64_t r = begin; r < end; ++r)
        for (int64_t t = 0; t < a->n_tokens; ++t) a->y[t * a->ldy + r] = q8_0_row(a->w + r * nb * kQ8Bytes, in[t], nb);
}

void q6_k_matmul_vnni(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_block_matmul_args*>(raw);
    const int64_t nb = a->k / kQ6Block;
    for (int64_t r = begin; r < end; ++r)
        for (int64_t t = 0; t < a->n_tokens; ++t)
            a->y[t * a->ldy + r] = q6_k_row(a->w + r * nb * kQ6Bytes, a->x + t * nb * kQ8KBytes, nb);
}

}  // namespace bitnet::avx512
