// Ternary GEMV with AVX-512 VNNI: one vpdpbusd per 64 codes (unsigned) and
// activations (signed).
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

}  // namespace

void i2s_gemv_vnni(const void* args, int64_t begin, int64_t end) {
    i2s_gemv<DotVnni>(args, begin, end);
}

}  // namespace bitnet::avx512
