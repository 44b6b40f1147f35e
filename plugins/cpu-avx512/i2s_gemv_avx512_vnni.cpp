// SPDX-License-Identifier: MIT
// Ternary GEMV with AVX-512 VNNI, at as few instructions per weight byte as we
// know how, so that one thread streams weights near memory bandwidth.
//
// Each 32-byte block is broadcast to both halves of a zmm and masked twice: with
// 0xC0|0x30 (bits 7..6 in the low half, 5..4 in the high half) and 0x0C|0x03.
// Unshifted, those are codes times 64, 16, 4 and 1, and their lanes line up with
// the activations in natural order (elements 0..63, then 64..127 of the block),
// so one vpdpbusd per mask does the block's multiply-adds. Every lane sum is an
// exact multiple of its factor and is divided back exactly at the end.
//
// That form counts code 3 as 3, where the header wants weight 0 (code 1). Code 3
// never occurs in valid files, so the loop only notes whether a byte had one and
// the rare row tile that did is redone by the lookup-table path, which remaps it.
#include "avx512_kernels.hpp"
#include "i2s_gemv_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct DotVnni {
    // Two accumulators per row halve the vpdpbusd dependency chain.
    static void dot4(__m512i& acc_a, __m512i& acc_b, const __m512i codes[4], const __m512i acts[4]) {
        acc_a = _mm512_dpbusd_epi32(acc_a, codes[0], acts[0]);
        acc_b = _mm512_dpbusd_epi32(acc_b, codes[1], acts[1]);
        acc_a = _mm512_dpbusd_epi32(acc_a, codes[2], acts[2]);
        acc_b = _mm512_dpbusd_epi32(acc_b, codes[3], acts[3]);
    }
};

struct MaskedBlock {
    __m512i mask_a = _mm512_inserti64x4(_mm512_set1_epi8(static_cast<char>(0xC0)), _mm256_set1_epi8(0x30), 1);
    __m512i mask_b = _mm512_inserti64x4(_mm512_set1_epi8(0x0C), _mm256_set1_epi8(0x03), 1);
    // Per-lane shifts dividing the factors 64|16 and 4|1 back out.
    __m512i shift_a = _mm512_inserti64x4(_mm512_set1_epi32(6), _mm256_set1_epi32(4), 1);
    __m512i shift_b = _mm512_inserti64x4(_mm512_set1_epi32(2), _mm256_set1_epi32(0), 1);

    // One 32-byte block at p against its 128 activations at q.
    void dot(const uint8_t* p, const int8_t* q, __m512i& acc_a, __m512i& acc_b) const {
        const __m512i w = _mm512_broadcast_i64x4(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
        acc_a = _mm512_dpbusd_epi32(acc_a, _mm512_and_si512(w, mask_a), _mm512_loadu_si512(q));
        acc_b = _mm512_dpbusd_epi32(acc_b, _mm512_and_si512(w, mask_b), _mm512_loadu_si512(q + 64));
    }
};

// Two prefetches per stream: far ahead into L2, then near ahead from there
// into L1. At 2 threads on the 2B-4T shapes that read 4-5% more weight bytes
// per second than one prefetch into L1, which read 3-8% more than one into L2
// (the lookup-table path's), in alternated bitnet-kernel-bench runs.
constexpr int64_t kFarPrefetchBytes = 4096;
constexpr int64_t kNearPrefetchBytes = 1024;

// dots as LutRows computes them, or false when a byte held code 3.
template <int R>
bool masked_rows(const uint8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[R]) {
    const MaskedBlock m;
    __m512i acc_a[R];
    __m512i acc_b[R];
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
        acc_a[i] = _mm512_setzero_si512();
        acc_b[i] = _mm512_setzero_si512();
    }
    __m512i seen = _mm512_setzero_si512();
    const int64_t blocks = k / kBlockWeights;
    int64_t b = 0;
    for (; b + 2 <= blocks; b += 2) {
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            const uint8_t* p = rows[i] + b * 32;
            _mm_prefetch(reinterpret_cast<const char*>(p + kFarPrefetchBytes), _MM_HINT_T1);
            _mm_prefetch(reinterpret_cast<const char*>(p + kNearPrefetchBytes), _MM_HINT_T0);
            seen = note_code3(seen, _mm512_loadu_si512(p));
            m.dot(p, q + b * kBlockWeights, acc_a[i], acc_b[i]);
            m.dot(p + 32, q + (b + 1) * kBlockWeights, acc_a[i], acc_b[i]);
        }
    }
    if (b < blocks) {
#pragma GCC unroll 8
        for (int i = 0; i < R; ++i) {
            const uint8_t* p = rows[i] + b * 32;
            seen = note_code3(seen, _mm512_maskz_loadu_epi8(0xFFFFFFFFull, p));
            m.dot(p, q + b * kBlockWeights, acc_a[i], acc_b[i]);
        }
    }
    if (saw_code3(seen)) {
        return false;
    }
#pragma GCC unroll 8
    for (int i = 0; i < R; ++i) {
        dots[i] = _mm512_reduce_add_epi32(
            _mm512_add_epi32(_mm512_srav_epi32(acc_a[i], m.shift_a), _mm512_srav_epi32(acc_b[i], m.shift_b)));
    }
    return true;
}

struct VnniRows {
    template <int R>
    static void run(const uint8_t* const rows[R], const int8_t* q, int64_t k, int32_t dots[R]) {
        if (!masked_rows<R>(rows, q, k, dots)) {
            LutRows<DotVnni>::run<R>(rows, q, k, dots);
        }
    }
};

}  // namespace

void i2s_gemv_vnni(const void* args, int64_t begin, int64_t end) {
    i2s_gemv<VnniRows>(args, begin, end);
}

}  // namespace bitnet::avx512
