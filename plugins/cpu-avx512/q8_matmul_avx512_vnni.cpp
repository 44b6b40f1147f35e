// SPDX-License-Identifier: MIT
// Int8 x int8 matmul with AVX-512 VNNI (the opt-in int8 output head): weights
// offset to unsigned (w + 128, one xor) against signed activations, one
// vpdpbusd per 64 bytes, then the offset's 128 * sum(q) taken back out, with
// our own exact sum of q.
#include "avx512_kernels.hpp"
#include "q8_matmul_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct Q8Vnni {
    static constexpr int64_t kStep = 64;
    using Operand = __m512i;
    static __mmask64 mask(int64_t n) { return n == 64 ? ~__mmask64{0} : (__mmask64{1} << n) - 1; }
    // Masked-off weights become 128 but meet zero activations.
    static __m512i weights(const int8_t* p, int64_t n) {
        return _mm512_xor_si512(_mm512_maskz_loadu_epi8(mask(n), p),
                                _mm512_set1_epi8(static_cast<char>(0x80)));
    }
    static __m512i acts(const int8_t* p, int64_t n) { return _mm512_maskz_loadu_epi8(mask(n), p); }
    static __m512i dot(__m512i acc, __m512i w, __m512i x) { return _mm512_dpbusd_epi32(acc, w, x); }
    static int32_t correction(const int8_t* q, int64_t k) { return 128 * sum_q8(q, k); }
};

}  // namespace

void q8_matmul_vnni(const void* args, int64_t begin, int64_t end) {
    q8_matmul<Q8Vnni>(args, begin, end);
}

}  // namespace bitnet::avx512
