// SPDX-License-Identifier: MIT
// The opt-in int8 output head (--head-precision q8): the tied F16 embedding
// quantized once at load, cutting the head's bytes per decode token in half.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "bitnet/f16.hpp"
#include "bitnet/model.hpp"

namespace bitnet::model {
namespace {

// Every half widened once (256 KiB): a 2B-4T head has 328 M of them, and a call
// per element made this step take most of a --head-precision q8 load.
const std::vector<float>& widened_halves() {
    static const std::vector<float> table = [] {
        std::vector<float> t(size_t{1} << 16);
        for (size_t h = 0; h < t.size(); ++h) t[h] = f16_to_f32(static_cast<uint16_t>(h));
        return t;
    }();
    return table;
}

// nearbyint for |v| < 2^22 in the default rounding mode (ties to even): adding
// 1.5 * 2^23 leaves no fraction bits, so the sum is rounded exactly as nearbyint
// rounds. Plain float adds, so the loop vectorizes on the baseline ISA where
// nearbyint is a library call. NaN stays NaN.
inline float round_even_small(float v) {
    constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
    return (v + kMagic) - kMagic;
}

inline float inverse_scale(float scale) { return scale > 0.0f ? 1.0f / scale : 0.0f; }

// |w * inv| <= 127 up to rounding, far inside round_even_small's range.
inline int8_t quantize_one(float w, float inv) {
    return static_cast<int8_t>(std::clamp(round_even_small(w * inv), -127.0f, 127.0f));
}

// One row: widen, absmax, scale, quantize (round half to even), row sum.
void quantize_row(const uint16_t* src, int64_t k, const float* widen, float* row, int8_t* dst, float& scale_out,
                  int32_t& sum_out) {
    float amax = 0.0f;
    for (int64_t i = 0; i < k; ++i) {
        row[i] = widen[src[i]];
        amax = std::max(amax, std::fabs(row[i]));
    }
    const float scale = amax / 127.0f;
    const float inv = inverse_scale(scale);
    int32_t sum = 0;
    for (int64_t i = 0; i < k; ++i) {
        dst[i] = quantize_one(row[i], inv);
        sum += dst[i];
    }
    scale_out = scale;
    sum_out = sum;
}

#if defined(__x86_64__)
// The same row with F16C widening and AVX2, eight halves at a time: the same
// float operations (exact widening, max, one multiply, round half to even), so
// the same bytes; the table path above costs ~2 ns an element, most of a q8 load.
__attribute__((target("avx2,f16c"))) void quantize_row_avx2(const uint16_t* src, int64_t k, float* row,
                                                             int8_t* dst, float& scale_out, int32_t& sum_out) {
    const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7FFFFFFF));
    __m256 vmax = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 w = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
        _mm256_storeu_ps(row + i, w);
        vmax = _mm256_max_ps(_mm256_and_ps(w, abs_mask), vmax);  // NaN ignored, as std::max(amax, x) does
    }
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, vmax);
    float amax = 0.0f;
    for (float l : lanes) amax = std::max(amax, l);
    for (; i < k; ++i) {
        row[i] = _cvtsh_ss(src[i]);
        amax = std::max(amax, std::fabs(row[i]));
    }
    const float scale = amax / 127.0f;
    const float inv = inverse_scale(scale);
    const __m256 vinv = _mm256_set1_ps(inv);
    __m256i vsum = _mm256_setzero_si256();
    for (i = 0; i + 8 <= k; i += 8) {
        __m256 v = _mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(row + i), vinv),
                                   _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
        v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-127.0f)), _mm256_set1_ps(127.0f));
        const __m256i q = _mm256_cvtps_epi32(v);
        vsum = _mm256_add_epi32(vsum, q);
        const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
        _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + i), _mm_packs_epi16(q16, q16));
    }
    alignas(32) int32_t sums[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums), vsum);
    int32_t sum = 0;
    for (int32_t s : sums) sum += s;
    for (; i < k; ++i) {
        dst[i] = quantize_one(row[i], inv);
        sum += dst[i];
    }
    scale_out = scale;
    sum_out = sum;
}
#endif

}  // namespace

void Model::prepare_head_q8(ThreadPool& pool, uint64_t cpu_features) {
    if (has_head_q8()) return;
    const int64_t rows = config_.n_vocab, k = config_.n_embd;
    head_q8_.resize(static_cast<size_t>(rows * k));
    head_q8_scale_.resize(static_cast<size_t>(rows));
    head_q8_sum_.resize(static_cast<size_t>(rows));
    const uint16_t* src = output_;
    const float* widen = widened_halves().data();
#if defined(__x86_64__)
    constexpr uint64_t kAvx2F16c = BITNET_CPU_AVX2 | BITNET_CPU_F16C;
    const bool avx2 = (cpu_features & kAvx2F16c) == kAvx2F16c;
#endif
    pool.parallel_for(rows, 64, [&](int64_t begin, int64_t end) {
        std::vector<float> row(static_cast<size_t>(k));
        for (int64_t r = begin; r < end; ++r) {
            int8_t* dst = head_q8_.data() + r * k;
#if defined(__x86_64__)
            if (avx2) {
                quantize_row_avx2(src + r * k, k, row.data(), dst, head_q8_scale_[r], head_q8_sum_[r]);
                continue;
            }
#endif
            quantize_row(src + r * k, k, widen, row.data(), dst, head_q8_scale_[r], head_q8_sum_[r]);
        }
    });
    // The F16 head is not streamed again; drop its pages from our RSS. A tied
    // table still serves embedding lookups, which fault back the few rows a
    // token needs from the page cache.
    if (head_converted()) {
        // The converted copy serves only the head: embeddings read the file.
        repacked_bytes_ -= head_f16_.size() * sizeof(uint16_t);
        std::vector<uint16_t>().swap(head_f16_);
        output_ = nullptr;
        return;
    }
    const auto& t = file_->tensor(head_.name);
    const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    auto first = (reinterpret_cast<uintptr_t>(t.data) + page - 1) / page * page;
    auto last = (reinterpret_cast<uintptr_t>(t.data) + t.n_bytes) / page * page;
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace bitnet::model
