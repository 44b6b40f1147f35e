// SPDX-License-Identifier: MIT
// Ternary GEMV with AVX-512BW only (no VNNI): vpmaddubsw products summed in int16,
// then widened once per chunk with vpmaddwd.
#include "avx512_kernels.hpp"
#include "i2s_gemv_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct DotBw {
    // Each vpmaddubsw lane is at most 2*2*128 = 512 in magnitude, so four of them
    // fit int16 without saturating.
    static void dot4(__m512i& acc_a, __m512i& /*acc_b*/, const __m512i codes[4], const __m512i acts[4]) {
        const __m512i p01 = _mm512_add_epi16(_mm512_maddubs_epi16(codes[0], acts[0]),
                                             _mm512_maddubs_epi16(codes[1], acts[1]));
        const __m512i p23 = _mm512_add_epi16(_mm512_maddubs_epi16(codes[2], acts[2]),
                                             _mm512_maddubs_epi16(codes[3], acts[3]));
        acc_a = _mm512_add_epi32(acc_a, _mm512_madd_epi16(_mm512_add_epi16(p01, p23), _mm512_set1_epi16(1)));
    }
};

}  // namespace

void i2s_gemv_avx512bw(const void* args, int64_t begin, int64_t end) {
    i2s_gemv<LutRows<DotBw>>(args, begin, end);
}

}  // namespace bitnet::avx512
