// SPDX-License-Identifier: MIT
// Int8 x int8 matmul with AVX-512BW only: both operands sign-extended to int16
// and multiplied pairwise into int32 with vpmaddwd (vpmaddubsw would saturate on
// full-range int8 weights).
#include "avx512_kernels.hpp"
#include "q8_matmul_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct Q8Bw {
    static constexpr int64_t kStep = 32;
    using Operand = __m512i;
    static __mmask32 mask(int64_t n) { return n == 32 ? ~__mmask32{0} : (__mmask32{1} << n) - 1; }
    static __m512i widen(const int8_t* p, int64_t n) {
        return _mm512_cvtepi8_epi16(_mm256_maskz_loadu_epi8(mask(n), p));
    }
    static __m512i weights(const int8_t* p, int64_t n) { return widen(p, n); }
    static __m512i acts(const int8_t* p, int64_t n) { return widen(p, n); }
    static __m512i dot(__m512i acc, __m512i w, __m512i x) {
        return _mm512_add_epi32(acc, _mm512_madd_epi16(w, x));
    }
    static int32_t correction(const int8_t*, int64_t) { return 0; }
};

}  // namespace

void q8_matmul_avx512bw(const void* args, int64_t begin, int64_t end) {
    q8_matmul<Q8Bw>(args, begin, end);
}

}  // namespace bitnet::avx512
