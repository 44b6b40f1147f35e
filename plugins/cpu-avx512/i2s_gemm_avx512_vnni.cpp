// SPDX-License-Identifier: MIT
// Ternary GEMM (many tokens) with AVX-512 VNNI: decoded codes reused across a
// token span, one vpdpbusd per 64 code x activation bytes.
#include "avx512_kernels.hpp"
#include "i2s_gemm_avx512.hpp"

namespace bitnet::avx512 {
namespace {

struct DotVnni {
    static __m512i dot2(__m512i acc, __m512i c0, __m512i x0, __m512i c1, __m512i x1) {
        return _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(acc, c0, x0), c1, x1);
    }
};

}  // namespace

// A few tokens are compute-bound in the tiled loop but bandwidth-bound when
// each weight block is decoded once for all of them (i2s_gemv_batch_avx512_vnni.cpp).
void i2s_gemm_vnni(const void* args, int64_t begin, int64_t end) {
    if (i2s_gemv_batch_vnni(args, begin, end)) {
        return;
    }
    i2s_gemm<DotVnni>(args, begin, end);
}

}  // namespace bitnet::avx512
