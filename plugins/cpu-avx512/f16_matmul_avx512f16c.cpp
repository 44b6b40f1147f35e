// F16 weights times f32 activations (the tied output head): F16C widening and
// FMA in f32, the input rounded to f16 first as the reference does.
//
// The head is ~0.66 GB streamed once per decoded token, so the loop is built for
// bandwidth: kRows far-apart row streams at once (one row from each of kRows
// equal spans of the range: one thread keeps more reads in flight over several
// streams than over one), each prefetched ahead, every widened weight vector
// used by up to kTokens tokens. Sums are f32 over 16 lanes, so
// they differ from the reference's serial sum by summation order only.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include "avx512_kernels.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int kRows = 4;
constexpr int kTokens = 4;
constexpr int64_t kSlice = 4096;   // input elements rounded and kept at a time
constexpr int64_t kRowBlock = 64;  // rows x kSlice f16 = 512 KiB at most, in L2
constexpr int64_t kPrefetchBytes = 2048;  // ahead in each stream, into L2

__mmask16 tail_mask(int64_t remaining) {
    return remaining >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << remaining) - 1u);
}

// dst = f32(f16(src)) for n elements, zero-padded to a multiple of 16.
void round_to_f16(const float* src, int64_t n, float* dst) {
    for (int64_t i = 0; i < n; i += 16) {
        const __m512 v = _mm512_maskz_loadu_ps(tail_mask(n - i), src + i);
        _mm512_store_ps(dst + i, _mm512_cvtph_ps(_mm512_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT)));
    }
}

// sums[i][j] = dot(row i, x of token j) over n elements, for the R rows at
// rows[i] and T tokens in xs (kSlice floats apart).
template <int R, int T>
void rows_dot(const uint16_t* const rows[R], const float* xs, int64_t n, float sums[R][kTokens]) {
    __m512 acc[R][T];
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            acc[i][j] = _mm512_setzero_ps();
        }
    }
    int64_t e = 0;
    for (; e + 16 <= n; e += 16) {
        __m512 x[T];
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            x[j] = _mm512_load_ps(xs + j * kSlice + e);
        }
#pragma GCC unroll 4
        for (int i = 0; i < R; ++i) {
            const uint16_t* p = rows[i] + e;
            _mm_prefetch(reinterpret_cast<const char*>(p) + kPrefetchBytes, _MM_HINT_T1);
            const __m512 wv = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = _mm512_fmadd_ps(wv, x[j], acc[i][j]);
            }
        }
    }
    if (e < n) {
        const __mmask16 m = tail_mask(n - e);
#pragma GCC unroll 4
        for (int i = 0; i < R; ++i) {
            const __m512 wv = _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, rows[i] + e));
#pragma GCC unroll 4
            for (int j = 0; j < T; ++j) {
                acc[i][j] = _mm512_fmadd_ps(wv, _mm512_load_ps(xs + j * kSlice + e), acc[i][j]);
            }
        }
    }
#pragma GCC unroll 4
    for (int i = 0; i < R; ++i) {
#pragma GCC unroll 4
        for (int j = 0; j < T; ++j) {
            sums[i][j] = _mm512_reduce_add_ps(acc[i][j]);
        }
    }
}

template <int T>
void rows_range(const bitnet_kp_f16_matmul_args* a, const float* xs, int64_t t0, int64_t k0, int64_t n,
                int64_t begin, int64_t end) {
    float sums[kRows][kTokens];
    // The first slice stores, later ones add: float, so only the order of the
    // partial sums differs from a serial sum.
    const bool first = k0 == 0;
    const uint16_t* w = a->w + k0;
    auto emit = [&](const int64_t r[], int rows) {
        for (int i = 0; i < rows; ++i) {
            for (int j = 0; j < T; ++j) {
                float* y = a->y + (t0 + j) * a->ldy + r[i];
                *y = first ? sums[i][j] : *y + sums[i][j];
            }
        }
    };
    const int64_t span = (end - begin) / kRows;
    for (int64_t j = 0; j < span; ++j) {
        int64_t r[kRows];
        const uint16_t* rows[kRows];
        for (int i = 0; i < kRows; ++i) {
            r[i] = begin + i * span + j;
            rows[i] = w + r[i] * a->k;
        }
        rows_dot<kRows, T>(rows, xs, n, sums);
        emit(r, kRows);
    }
    for (int64_t r = begin + kRows * span; r < end; ++r) {
        const uint16_t* row = w + r * a->k;
        rows_dot<1, T>(&row, xs, n, sums);
        emit(&r, 1);
    }
}

}  // namespace

void f16_matmul(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    alignas(64) float xs[kTokens][kSlice];
    // With more tokens than one group, rows go in blocks that stay in L2, so the
    // weights come from memory once instead of once per token group. A row's
    // sums do not depend on the blocking.
    const int64_t block = a->n_tokens > kTokens ? kRowBlock : end - begin;
    for (int64_t r0 = begin; r0 < end; r0 += block) {
        const int64_t r1 = end - r0 < block ? end : r0 + block;
        for (int64_t t0 = 0; t0 < a->n_tokens; t0 += kTokens) {
            const int64_t tokens = a->n_tokens - t0 < kTokens ? a->n_tokens - t0 : kTokens;
            for (int64_t k0 = 0; k0 < a->k; k0 += kSlice) {
                const int64_t n = a->k - k0 < kSlice ? a->k - k0 : kSlice;
                for (int64_t j = 0; j < tokens; ++j) {
                    round_to_f16(a->x + (t0 + j) * a->k + k0, n, xs[j]);
                }
                switch (tokens) {
                    case 4:
                        rows_range<4>(a, &xs[0][0], t0, k0, n, r0, r1);
                        break;
                    case 3:
                        rows_range<3>(a, &xs[0][0], t0, k0, n, r0, r1);
                        break;
                    case 2:
                        rows_range<2>(a, &xs[0][0], t0, k0, n, r0, r1);
                        break;
                    default:
                        rows_range<1>(a, &xs[0][0], t0, k0, n, r0, r1);
                        break;
                }
            }
        }
    }
}

}  // namespace bitnet::avx512
