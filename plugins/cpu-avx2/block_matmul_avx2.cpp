// SPDX-License-Identifier: MIT
// Heads in llama.cpp's Q8_0 and Q6_K blocks (ABI 1.6). Each block's integer dot
// is exact, so any instruction mix gives the reference's value; the float side
// is kernel_plugin.h's dot16 over blocks: sixteen blocks' dots and scale products
// at a time, fused into lanes 0-7 (lo) and 8-15 (hi), folded at the end.
//
// The head streams rows x k/32 x 34 bytes per token with nothing else to do, so
// rows are read front to back (one sequential stream per thread) and the input,
// widened once per call, stays in L1.
#include <bitnet/kernel_plugin.h>

#include <cstring>
#include <vector>

#include "kernels.hpp"
#include "simd_avx2.hpp"

namespace bitnet::avx2 {
namespace {

constexpr int64_t kChunk = 16;  // dot16's lanes: blocks per fused step
// Ahead in the row stream, into L2: one sequential stream per thread keeps too
// few reads in flight without it (measured on cpu-avx512's twin: 1.4x).
constexpr int64_t kPrefetchBytes = 4096;

void prefetch_span(const uint8_t* p, int64_t bytes) {
    for (int64_t off = 0; off < bytes; off += 64)
        _mm_prefetch(reinterpret_cast<const char*>(p + kPrefetchBytes + off), _MM_HINT_T1);
}

struct Lanes16 {
    __m256 lo = _mm256_setzero_ps(), hi = _mm256_setzero_ps();
    void fma(const float* s, const float* p) {
        lo = _mm256_fmadd_ps(_mm256_loadu_ps(s), _mm256_loadu_ps(p), lo);
        hi = _mm256_fmadd_ps(_mm256_loadu_ps(s + 8), _mm256_loadu_ps(p + 8), hi);
    }
    float fold() const { return hsum_ps(_mm256_add_ps(lo, hi)); }  // h = 8, then 4, 2, 1
};

float half_at(const uint8_t* p) {
    uint16_t h;
    std::memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

// Eight vectors of eight int32 partial sums to their eight totals, in order.
__m256i sum8x8(const __m256i v[8]) {
    const __m256i a0 = _mm256_hadd_epi32(v[0], v[1]), a1 = _mm256_hadd_epi32(v[2], v[3]);
    const __m256i a2 = _mm256_hadd_epi32(v[4], v[5]), a3 = _mm256_hadd_epi32(v[6], v[7]);
    const __m256i b0 = _mm256_hadd_epi32(a0, a1), b1 = _mm256_hadd_epi32(a2, a3);
    return _mm256_add_epi32(_mm256_permute2x128_si256(b0, b1, 0x20), _mm256_permute2x128_si256(b0, b1, 0x31));
}

// ---- Q8_0: 34-byte blocks, f16 d then int8 q[32] on both sides.
constexpr int64_t kQ8Block = 32, kQ8Bytes = 34;

// The input of one token, widened to int16 once per call, and its scales.
struct Q8Input {
    std::vector<int16_t> q;
    std::vector<float> d;
};

Q8Input widen_q8_0(const uint8_t* x, int64_t nb) {
    Q8Input in{std::vector<int16_t>(static_cast<size_t>(nb * kQ8Block)), std::vector<float>(static_cast<size_t>(nb))};
    for (int64_t b = 0; b < nb; ++b) {
        const uint8_t* blk = x + b * kQ8Bytes;
        in.d[b] = half_at(blk);
        const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(&in.q[b * 32]), _mm256_cvtepi8_epi16(_mm256_castsi256_si128(q)));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(&in.q[b * 32 + 16]),
                            _mm256_cvtepi8_epi16(_mm256_extracti128_si256(q, 1)));
    }
    return in;
}

// Eight int32 partial sums of one block's exact dot (int16 products, paired).
__m256i q8_0_partials(const uint8_t* w, const int16_t* x) {
    const __m256i q = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + 2));
    const __m256i lo = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm256_castsi256_si128(q)),
                                         _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)));
    const __m256i hi = _mm256_madd_epi16(_mm256_cvtepi8_epi16(_mm256_extracti128_si256(q, 1)),
                                         _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 16)));
    return _mm256_add_epi32(lo, hi);
}

float q8_0_row(const uint8_t* w, const Q8Input& in, int64_t nb) {
    Lanes16 acc;
    alignas(32) float s[kChunk], p[kChunk];
    for (int64_t c = 0; c < nb; c += kChunk) {
        const int64_t n = nb - c < kChunk ? nb - c : kChunk;
        prefetch_span(w + c * kQ8Bytes, n * kQ8Bytes);
        for (int64_t g = 0; g < kChunk; g += 8) {
            __m256i v[8];
            for (int64_t i = 0; i < 8; ++i) {
                const int64_t b = c + g + i;
                v[i] = g + i < n ? q8_0_partials(w + b * kQ8Bytes, &in.q[b * kQ8Block]) : _mm256_setzero_si256();
            }
            _mm256_store_ps(s + g, _mm256_cvtepi32_ps(sum8x8(v)));
        }
        for (int64_t i = 0; i < kChunk; ++i) p[i] = i < n ? half_at(w + (c + i) * kQ8Bytes) * in.d[c + i] : 0.0f;
        acc.fma(s, p);
    }
    return acc.fold();
}

// ---- Q6_K: 210-byte blocks against 292-byte Q8_K input blocks.
constexpr int64_t kQ6Block = 256, kQ6Bytes = 210, kQ8KBytes = 292;

// One block's exact dot: the 6-bit codes (0..63) times the input, scaled per 16,
// minus 32 * scale * (the input's sum per 16), which turns codes into values.
int32_t q6_k_dot(const uint8_t* w, const uint8_t* x) {
    const uint8_t* ql = w;
    const uint8_t* qh = w + 128;
    const auto* sc = reinterpret_cast<const int8_t*>(w + 192);
    const auto* q8 = reinterpret_cast<const int8_t*>(x + 4);
    const __m256i m4 = _mm256_set1_epi8(0x0F), m3 = _mm256_set1_epi8(0x03);
    __m256i acc = _mm256_setzero_si256();
    for (int h = 0; h < 2; ++h) {
        const __m256i l0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 64 * h));
        const __m256i l1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 64 * h + 32));
        const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh + 32 * h));
        const __m256i high[4] = {
            _mm256_slli_epi16(_mm256_and_si256(hb, m3), 4),
            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m3), 4),
            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m3), 4),
            _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m3), 4),
        };
        const __m256i low[4] = {_mm256_and_si256(l0, m4), _mm256_and_si256(l1, m4),
                                _mm256_and_si256(_mm256_srli_epi16(l0, 4), m4),
                                _mm256_and_si256(_mm256_srli_epi16(l1, 4), m4)};
        for (int j = 0; j < 4; ++j) {
            const __m256i codes = _mm256_or_si256(low[j], high[j]);  // elements 128h + 32j ..+31
            const __m256i xq = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(q8 + 128 * h + 32 * j));
            // |63 * -128 * 2| < 2^15: maddubs never saturates here.
            const __m256i pairs = _mm256_maddubs_epi16(codes, xq);
            const int s = 8 * h + 2 * j;
            const __m256i scale = _mm256_set_m128i(_mm_set1_epi16(sc[s + 1]), _mm_set1_epi16(sc[s]));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, scale));
        }
    }
    const __m256i bsum = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x + 260));
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(sc)));
    acc = _mm256_sub_epi32(acc, _mm256_slli_epi32(_mm256_madd_epi16(bsum, sc16), 5));
    return hsum_epi32(acc);
}

float q6_k_row(const uint8_t* w, const uint8_t* x, int64_t nb) {
    Lanes16 acc;
    alignas(32) float s[kChunk], p[kChunk];
    for (int64_t c = 0; c < nb; c += kChunk) {
        const int64_t n = nb - c < kChunk ? nb - c : kChunk;
        prefetch_span(w + c * kQ6Bytes, n * kQ6Bytes);
        for (int64_t i = 0; i < kChunk; ++i) {
            const uint8_t* wb = w + (c + i) * kQ6Bytes;
            const uint8_t* xb = x + (c + i) * kQ8KBytes;
            float dx = 0.0f;
            if (i < n) std::memcpy(&dx, xb, 4);
            s[i] = i < n ? static_cast<float>(q6_k_dot(wb, xb)) : 0.0f;
            p[i] = i < n ? half_at(wb + 208) * dx : 0.0f;
        }
        acc.fma(s, p);
    }
    return acc.fold();
}

}  // namespace

void q8_0_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_block_matmul_args*>(raw);
    const int64_t nb = a->k / kQ8Block;
    std::vector<Q8Input> in;
    for (int64_t t = 0; t < a->n_tokens; ++t) in.push_back(widen_q8_0(a->x + t * nb * kQ8Bytes, nb));
    for (int64_t r = begin; r < end; ++r)
        for (int64_t t = 0; t < a->n_tokens; ++t) a->y[t * a->ldy + r] = q8_0_row(a->w + r * nb * kQ8Bytes, in[t], nb);
}

void q6_k_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_block_matmul_args*>(raw);
    const int64_t nb = a->k / kQ6Block;
    for (int64_t r = begin; r < end; ++r)
        for (int64_t t = 0; t < a->n_tokens; ++t)
            a->y[t * a->ldy + r] = q6_k_row(a->w + r * nb * kQ6Bytes, a->x + t * nb * kQ8KBytes, nb);
}

}  // namespace bitnet::avx2
