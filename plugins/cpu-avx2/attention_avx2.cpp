// Causal attention over an f16 KV cache, AVX2 + FMA + F16C. Per query head and
// token: scores q.k (q optionally rounded to f16 first), softmax with a
// polynomial exp, probabilities optionally rounded to f16, then p.V. Results
// differ from the reference only by summation order and exp's last-bit error.
#include "kernels.hpp"
#include "simd_avx2.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::avx2 {

namespace {

inline __m256 round_to_f16(__m256 v) {
    return _mm256_cvtph_ps(_mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

inline __m256 load_f16(const uint16_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

inline float f16_to_f32(uint16_t h) { return _cvtsh_ss(h); }

inline float round_to_f16(float v) {
    return _cvtsh_ss(_cvtss_sh(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
}

// e^x for x <= 0: x = n ln2 + r with |r| <= ln2/2, e^r by its Taylor series to
// r^7 (truncation error below 1e-8), times 2^n built in the exponent bits. Below
// -87.3 the true value is subnormal or zero and negligible next to the softmax
// maximum's e^0 = 1, so it returns 0.
inline __m256 exp_nonpositive(__m256 x) {
    const __m256 underflow = _mm256_cmp_ps(x, _mm256_set1_ps(-87.3f), _CMP_LT_OQ);
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    // ln 2 split in a short high part (exact times n) and the rest.
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 5040.0f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 720.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_andnot_ps(underflow, _mm256_mul_ps(p, _mm256_castsi256_ps(bits)));
}

float dot_f16(const float* q, const uint16_t* k, int64_t n) {
    __m256 acc0 = _mm256_setzero_ps();
    __m256 acc1 = _mm256_setzero_ps();
    int64_t d = 0;
    for (; d + 16 <= n; d += 16) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), load_f16(k + d), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d + 8), load_f16(k + d + 8), acc1);
    }
    for (; d + 8 <= n; d += 8) {
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(q + d), load_f16(k + d), acc0);
    }
    float sum = hsum_ps(_mm256_add_ps(acc0, acc1));
    for (; d < n; ++d) sum = std::fma(q[d], f16_to_f32(k[d]), sum);
    return sum;
}

// scores[0, n) := softmax(scores), rounded to f16 if asked.
void softmax(float* scores, int64_t n, bool round_p) {
    float m = scores[0];
    for (int64_t p = 1; p < n; ++p) m = std::max(m, scores[p]);
    // The sum is kept in double like the reference's, so only the exps differ.
    const __m256 mv = _mm256_set1_ps(m);
    __m256d sum_v = _mm256_setzero_pd();
    int64_t p = 0;
    for (; p + 8 <= n; p += 8) {
        const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + p), mv));
        _mm256_storeu_ps(scores + p, e);
        sum_v = _mm256_add_pd(sum_v, _mm256_cvtps_pd(_mm256_castps256_ps128(e)));
        sum_v = _mm256_add_pd(sum_v, _mm256_cvtps_pd(_mm256_extractf128_ps(e, 1)));
    }
    alignas(32) double lanes[4];
    _mm256_store_pd(lanes, sum_v);
    double sum = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
    for (; p < n; ++p) {
        scores[p] = std::exp(scores[p] - m);
        sum += static_cast<double>(scores[p]);
    }
    const float inv = static_cast<float>(1.0 / sum);
    const __m256 iv = _mm256_set1_ps(inv);
    for (p = 0; p + 8 <= n; p += 8) {
        __m256 v = _mm256_mul_ps(_mm256_loadu_ps(scores + p), iv);
        _mm256_storeu_ps(scores + p, round_p ? round_to_f16(v) : v);
    }
    for (; p < n; ++p) scores[p] = round_p ? round_to_f16(scores[p] * inv) : scores[p] * inv;
}

// out[0, hd) = sum over positions of probs[p] * v row p.
void weighted_sum(const float* probs, int64_t n, const uint16_t* v, int64_t stride, int64_t hd, float* out) {
    constexpr int kVectors = 4;  // 32 output dims kept in registers per pass
    int64_t d0 = 0;
    for (; d0 + 8 <= hd; d0 += 8 * kVectors) {
        const int nv = static_cast<int>(std::min<int64_t>(kVectors, (hd - d0) / 8));
        __m256 acc[kVectors] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                                _mm256_setzero_ps()};
        for (int64_t p = 0; p < n; ++p) {
            const __m256 pv = _mm256_set1_ps(probs[p]);
            const uint16_t* row = v + p * stride + d0;
            for (int j = 0; j < nv; ++j) acc[j] = _mm256_fmadd_ps(pv, load_f16(row + 8 * j), acc[j]);
        }
        for (int j = 0; j < nv; ++j) _mm256_storeu_ps(out + d0 + 8 * j, acc[j]);
    }
    for (int64_t d = hd / 8 * 8; d < hd; ++d) {
        float acc = 0.0f;
        for (int64_t p = 0; p < n; ++p) acc = std::fma(probs[p], f16_to_f32(v[p * stride + d]), acc);
        out[d] = acc;
    }
}

}  // namespace

void attention(const void* args_ptr, int64_t begin, int64_t end) {
    const auto& a = *static_cast<const bitnet_kp_attention_args*>(args_ptr);
    const int64_t hd = a.head_dim;
    const int64_t group = a.n_heads / a.n_kv_heads;
    const bool round_q = (a.flags & BITNET_ATTN_ROUND_Q_F16) != 0;
    const bool round_p = (a.flags & BITNET_ATTN_ROUND_P_F16) != 0;

    for (int64_t h = begin; h < end; ++h) {
        const int64_t kv_offset = (h / group) * hd;
        float* scores = a.scratch + h * (a.pos0 + a.n_tokens);
        for (int64_t t = 0; t < a.n_tokens; ++t) {
            const int64_t n_ctx = a.pos0 + t + 1;
            const float* q = a.q + (t * a.n_heads + h) * hd;
            float* out = a.out + (t * a.n_heads + h) * hd;
            // out is written only after the scores, so it holds the rounded query.
            if (round_q) {
                int64_t d = 0;
                for (; d + 8 <= hd; d += 8) _mm256_storeu_ps(out + d, round_to_f16(_mm256_loadu_ps(q + d)));
                for (; d < hd; ++d) out[d] = round_to_f16(q[d]);
                q = out;
            }
            for (int64_t p = 0; p < n_ctx; ++p)
                scores[p] = dot_f16(q, a.k_cache + p * a.kv_stride + kv_offset, hd) * a.scale;
            softmax(scores, n_ctx, round_p);
            weighted_sum(scores, n_ctx, a.v_cache + kv_offset, a.kv_stride, hd, out);
        }
    }
}

}  // namespace bitnet::avx2
