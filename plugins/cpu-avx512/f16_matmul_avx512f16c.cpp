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

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kRows = 4;
constexpr int kTokens = 4;
constexpr int64_t kRowBlock = 64;         // rows whose weights stay in L2 across token groups
constexpr int64_t kPrefetchBytes = 2048;  // ahead in each stream, into L2

__mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}

__m512 load_rounded(const float* x, __mmask16 m) {
    return _mm512_cvtph_ps(_mm512_cvtps_ph(_mm512_maskz_loadu_ps(m, x), _MM_FROUND_TO_NEAREST_INT));
}

// sums[i][j] = dot16(row i, f16(x of token j)) over k elements, for the R rows
// at rows[i] and T tokens in xs (k floats apart).
template <int R, int T>
void rows_dot(const uint16_t* const rows[R], const float* xs, int64_t k, float sums[R][kTokens]) {
    __m512 acc[R][T];
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_ps();
        }
    }
    for (int64_t e = 0; e < k; e += 16) {
        const __mmask16 m = tail_mask(k - e);
        __m512 x[T];
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            x[j] = load_rounded(xs + j * k + e, m);
        }
#pragma GCC unroll 4
        for (int i = 0; i < R; ++i) {
            const uint16_t* p = rows[i] + e;
            _mm_prefetch(reinterpret_cast<const char*>(p) + kPrefetchBytes, _MM_HINT_T1);
            const __m512 wv = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = _mm512_fmadd_ps(wv, x[j], acc[i][j]);
            }
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            sums[i][j] = fold16_ps(acc[i][j]);
        }
    }
}

template <int T>
void rows_range(const bitnet_kp_f16_matmul_args* a, int64_t t0, int64_t begin, int64_t end) {
    float sums[kRows][kTokens];
    const float* xs = a->x + t0 * a->k;
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
        rows_dot<kRows, T>(rows, xs, a->k, sums);
        emit(r, kRows);
    }
    for (int64_t r = begin + kRows * span; r < end; ++r) {
        const uint16_t* row = a->w + r * a->k;
        rows_dot<1, T>(&row, xs, a->k, sums);
        emit(&r, 1);
    }
}

}  // namespace

void f16_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    // With more tokens than one group, rows go in blocks that stay in L2, so the
    // weights come from memory once instead of once per token group. A row's
    // sums do not depend on the blocking.
    const int64_t block = a->n_tokens > kTokens ? kRowBlock : end - begin;
    for (int64_t r0 = begin; r0 < end; r0 += block) {
        const int64_t r1 = end - r0 < block ? end : r0 + block;
        for (int64_t t0 = 0; t0 < a->n_tokens; t0 += kTokens) {
            switch (a->n_tokens - t0 < kTokens ? a->n_tokens - t0 : kTokens) {
                case 4:
                    rows_range<4>(a, t0, r0, r1);
                    break;
                case 3:
                    rows_range<3>(a, t0, r0, r1);
                    break;
                case 2:
                    rows_range<2>(a, t0, r0, r1);
                    break;
                default:
                    rows_range<1>(a, t0, r0, r1);
                    break;
            }
        }
    }
}

}  // namespace bitnet::avx512
