// SPDX-License-Identifier: MIT
// Ternary GEMM (many tokens) with AVX-512BW only: vpmaddubsw pairs summed in
// int16, widened with vpmaddwd.
#include "avx512_kernels.hpp"
#include "i2s_gemm_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct DotBw {
    // |code * q| <= 256, so a vpmaddubsw lane (two products) plus another stays
    // far inside int16.
    static __m512i dot2(__m512i acc, __m512i c0, __m512i x0, __m512i c1, __m512i x1) {
        const __m512i pairs = _mm512_add_epi16(_mm512_maddubs_epi16(c0, x0), _mm512_maddubs_epi16(c1, x1));
        return _mm512_add_epi32(acc, _mm512_madd_epi16(pairs, _mm512_set1_epi16(1)));
    }
};

}  // namespace

void i2s_gemm_avx512bw(const void* args, int64_t begin, int64_t end) {
    i2s_gemm<DotBw>(args, begin, end);
}

}  // namespace bitnet::avx512
