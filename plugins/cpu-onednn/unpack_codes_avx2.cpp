// SPDX-License-Identifier: MIT
// I2_S bytes to one code byte per weight, 128 weights (32 bytes) at a time.
#include <immintrin.h>

#include "onednn_kernels.hpp"

namespace bitnet::onednn {
namespace {
constexpr int64_t kPrefetchAhead = 1024;  // bytes of the packed rows
}  // namespace

void unpack_codes(const bitnet_kp_i2s_weights& w, int64_t row0, int64_t n_rows, uint8_t* out) {
    const int64_t k = w.k;
    const int64_t blocks = n_rows * (k / 128);  // rows are contiguous, so blocks are too
    const uint8_t* src = w.data + row0 * (k / 4);
    const __m256i low_bits = _mm256_set1_epi8(0x55);
    const __m256i field = _mm256_set1_epi8(0x03);
    for (int64_t b = 0; b < blocks; ++b) {
        _mm_prefetch(reinterpret_cast<const char*>(src + b * 32) + kPrefetchAhead, _MM_HINT_T0);
        __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + b * 32));
        // A field holding 3 has both bits set: clearing its high bit makes it 1.
        const __m256i both = _mm256_and_si256(_mm256_and_si256(v, _mm256_srli_epi16(v, 1)), low_bits);
        v = _mm256_xor_si256(v, _mm256_add_epi8(both, both));
        uint8_t* dst = out + b * 128;
        // 16-bit shifts leak bits across bytes; the mask keeps each byte's own field.
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), _mm256_and_si256(_mm256_srli_epi16(v, 6), field));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 32), _mm256_and_si256(_mm256_srli_epi16(v, 4), field));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 64), _mm256_and_si256(_mm256_srli_epi16(v, 2), field));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 96), _mm256_and_si256(v, field));
    }
}

}  // namespace bitnet::onednn
