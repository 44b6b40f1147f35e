// SPDX-License-Identifier: MIT
// F16 weights times f32 activations (the tied output head): F16C widening and
// FMA in f32, the input rounded to f16 as it is loaded, as the reference does.
//
// The head is ~0.66 GB streamed once per decoded token, so the loop is built for
// bandwidth: kRows far-apart row streams at once (one row from each of kRows
// equal spans of the range: one thread keeps more reads in flight over several
// streams than over one), each prefetched ahead, every widened weight vector
// used by up to kTokens tokens. Each sum is one 16-lane accumulator over the
// whole row, folded at the end: kernel_plugin.h's dot16, cpu-scalar's bits.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include <memory>
#include <new>

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kRows = 4;
constexpr int kTokens = 4;
constexpr int64_t kRowBlock = 64;         // rows whose weights stay in L2 across token groups
constexpr int64_t kPrefetchBytes = 2048;  // ahead in each stream, into L2

// Input vectors: rounded as they are loaded, or already rounded by the caller;
// masked only for the short last step (plain loads keep the loop tight).
template <bool kRounded, bool kTail>
__m512 load_x(const float* x, __mmask16 m) {
    const __m512 v = kTail ? _mm512_maskz_loadu_ps(m, x) : _mm512_loadu_ps(x);
    return kRounded ? v : round_to_f16(v);
}

template <bool kTail>
__m512 load_w(const uint16_t* p, __mmask16 m) {
    return _mm512_cvtph_ps(kTail ? _mm256_maskz_loadu_epi16(m, p)
                                 : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
}

// sums[i][j] = dot16(row i, f16(x of token j)) over k elements, for the R rows
// at rows[i] and T tokens in xs (k floats apart).
template <int R, int T, bool kRounded>
void rows_dot(const uint16_t* const rows[R], const float* xs, int64_t k, float sums[R][kTokens]) {
    __m512 acc[R][T];
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_ps();
        }
    }
    // One step of 16 columns at e; the last, short one masked (zeros add nothing).
    auto step = [&]<bool kTail>(int64_t e, __mmask16 m) __attribute__((always_inline)) {
        __m512 x[T];
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            x[j] = load_x<kRounded, kTail>(xs + j * k + e, m);
        }
#pragma GCC unroll 4
        for (int i = 0; i < R; ++i) {
            const uint16_t* p = rows[i] + e;
            _mm_prefetch(reinterpret_cast<const char*>(p) + kPrefetchBytes, _MM_HINT_T1);
            const __m512 wv = load_w<kTail>(p, m);
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = _mm512_fmadd_ps(wv, x[j], acc[i][j]);
            }
        }
    };
    int64_t e = 0;
    for (; e + 16 <= k; e += 16) step.template operator()<false>(e, 0);
    if (e < k) step.template operator()<true>(e, tail_mask(k - e));
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            sums[i][j] = fold16_ps(acc[i][j]);
        }
    }
}

template <int T, bool kRounded>
void rows_range(const bitnet_kp_f16_matmul_args* a, const float* x, int64_t t0, int64_t begin, int64_t end) {
    float sums[kRows][kTokens];
    const float* xs = x + t0 * a->k;
    auto emit = [&](const int64_t r[], int rows) {
        for (int i = 0; i < rows; ++i) {
            for (int j = 0; j < T; ++j) {
                a->y[(t0 + j) * a->ldy + r[i]] = sums[i][j];
            }
        }
    };
    const int64_t span = (end - begin) / kRows;
    for (int64_t j = 0; j < span; ++j) {
        int64_t r[kRows];
        const uint16_t* rows[kRows];
        for (int i = 0; i < kRows; ++i) {
            r[i] = begin + i * span + j;
            rows[i] = a->w + r[i] * a->k;
        }
        rows_dot<kRows, T, kRounded>(rows, xs, a->k, sums);
        emit(r, kRows);
    }
    for (int64_t r = begin + kRows * span; r < end; ++r) {
        const uint16_t* row = a->w + r * a->k;
        rows_dot<1, T, kRounded>(&row, xs, a->k, sums);
        emit(&r, 1);
    }
}

template <bool kRounded>
void all_rows(const bitnet_kp_f16_matmul_args* a, const float* x, int64_t begin, int64_t end) {
    // With more tokens than one group, rows go in blocks that stay in L2, so the
    // weights come from memory once instead of once per token group. A row's
    // sums do not depend on the blocking.
    const int64_t block = a->n_tokens > kTokens ? kRowBlock : end - begin;
    for (int64_t r0 = begin; r0 < end; r0 += block) {
        const int64_t r1 = end - r0 < block ? end : r0 + block;
        for (int64_t t0 = 0; t0 < a->n_tokens; t0 += kTokens) {
            switch (a->n_tokens - t0 < kTokens ? a->n_tokens - t0 : kTokens) {
                case 4:
                    rows_range<4, kRounded>(a, x, t0, r0, r1);
                    break;
                case 3:
                    rows_range<3, kRounded>(a, x, t0, r0, r1);
                    break;
                case 2:
                    rows_range<2, kRounded>(a, x, t0, r0, r1);
                    break;
                default:
                    rows_range<1, kRounded>(a, x, t0, r0, r1);
                    break;
            }
        }
    }
}

}  // namespace

// One token rounds its input as it goes (once per four rows: cheap next to the
// weights' memory traffic). With several tokens (sequences decoding together,
// or many token groups revisiting each input per row block) rounding every
// input vector at every step would outnumber the weight conversions and make
// the loop compute-bound, so the input is rounded once into a copy first, when
// one can be had.
void f16_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    if (a->n_tokens > 1) {
        const int64_t n = a->n_tokens * a->k;
        // Cache-line aligned: a 64-byte load split over two lines costs twice.
        struct AlignedFree {
            void operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }
        };
        std::unique_ptr<float[], AlignedFree> rounded(new (std::align_val_t{64}, std::nothrow)
                                                          float[static_cast<size_t>(n)]);
        if (rounded) {
            for (int64_t i = 0; i < n; i += 16) {
                const __mmask16 m = tail_mask(n - i);
                _mm512_mask_storeu_ps(rounded.get() + i, m, round_to_f16(_mm512_maskz_loadu_ps(m, a->x + i)));
            }
            all_rows<true>(a, rounded.get(), begin, end);
            return;
        }
    }
    all_rows<false>(a, a->x, begin, end);
}

}  // namespace bitnet::avx512
