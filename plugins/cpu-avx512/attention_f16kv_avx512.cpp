// SPDX-License-Identifier: MIT
// Causal attention over an f16 KV cache with AVX-512 (F16C widening, FMA).
//
// Per query head and token: scores = scale * q.k over the visible positions (four
// positions at a time), softmax with the header's exp_ref in double, then
// out = sum_p p * v, all in the header's reduction order (one 16-lane vector is
// its 16 lanes), so the results are cpu-scalar's bit for bit.
#include <bitnet/kernel_plugin.h>
#include "simd_avx512.hpp"

#include "avx512_kernels.hpp"
#include "exp_ref_avx512.hpp"

namespace bitnet::avx512 {
namespace {

constexpr int64_t kMaxLocalHeadDim = 512;  // larger heads round q on the fly

__m512 load_f16(const uint16_t* p, __mmask16 m) {
    return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(m, p));
}

// The lane folds of kernel_plugin.h for four vectors at once; lane j of the
// result is fold16_ps(vj).
__m128 reduce4_ps(__m512 v0, __m512 v1, __m512 v2, __m512 v3) {
    // h = 8: blocks 0,1 + blocks 2,3 of each vector.
    const __m512 s01 = _mm512_add_ps(_mm512_shuffle_f32x4(v0, v1, _MM_SHUFFLE(1, 0, 1, 0)),
                                     _mm512_shuffle_f32x4(v0, v1, _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 s23 = _mm512_add_ps(_mm512_shuffle_f32x4(v2, v3, _MM_SHUFFLE(1, 0, 1, 0)),
                                     _mm512_shuffle_f32x4(v2, v3, _MM_SHUFFLE(3, 2, 3, 2)));
    // h = 4: block j of t holds vector j's four lanes.
    const __m512 t = _mm512_add_ps(_mm512_shuffle_f32x4(s01, s23, _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_f32x4(s01, s23, _MM_SHUFFLE(3, 1, 3, 1)));
    // h = 2, then h = 1, inside each block.
    const __m512 u = _mm512_add_ps(t, _mm512_permute_ps(t, _MM_SHUFFLE(1, 0, 3, 2)));
    const __m512 w = _mm512_add_ps(u, _mm512_permute_ps(u, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_castps512_ps128(_mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), w));
}

struct Query {
    const float* q;  // head_dim floats
    bool round;      // round to f16 while loading (q not pre-rounded)
    __m512 load(int64_t d, __mmask16 m) const {
        const __m512 v = _mm512_maskz_loadu_ps(m, q + d);
        return round ? round_to_f16(v) : v;
    }
};

// scores[p] = scale * q.k_p for p < n; k_p = keys + p * stride.
void score_positions(const Query& q, const uint16_t* keys, int64_t stride, int64_t head_dim, int64_t n,
                     float scale, float* scores) {
    int64_t p = 0;
    for (; p + 4 <= n; p += 4) {
        __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (int64_t d = 0; d < head_dim; d += 16) {
            const __mmask16 m = tail_mask(head_dim - d);
            const __m512 qv = q.load(d, m);
            for (int j = 0; j < 4; ++j) {
                acc[j] = _mm512_fmadd_ps(qv, load_f16(keys + (p + j) * stride + d, m), acc[j]);
            }
        }
        _mm_storeu_ps(scores + p, _mm_mul_ps(reduce4_ps(acc[0], acc[1], acc[2], acc[3]), _mm_set1_ps(scale)));
    }
    for (; p < n; ++p) {
        __m512 acc = _mm512_setzero_ps();
        for (int64_t d = 0; d < head_dim; d += 16) {
            const __mmask16 m = tail_mask(head_dim - d);
            acc = _mm512_fmadd_ps(q.load(d, m), load_f16(keys + p * stride + d, m), acc);
        }
        scores[p] = fold16_ps(acc) * scale;
    }
}

// scores[0..n) := softmax(scores), rounded to f16 if asked: float exps of
// max-subtracted scores, sum16d of them (sum_lo holds lanes 0-7, sum_hi 8-15),
// one float reciprocal applied to every weight.
void softmax_in_place(float* scores, int64_t n, bool round_p) {
    __m512 vmax = _mm512_set1_ps(-__builtin_inff());
    for (int64_t p = 0; p < n; p += 16) {
        const __mmask16 m = tail_mask(n - p);
        vmax = _mm512_mask_max_ps(vmax, m, _mm512_maskz_loadu_ps(m, scores + p), vmax);
    }
    const __m512 max = _mm512_set1_ps(_mm512_reduce_max_ps(vmax));
    __m512d sum_lo = _mm512_setzero_pd();
    __m512d sum_hi = _mm512_setzero_pd();
    for (int64_t p = 0; p < n; p += 16) {
        const __mmask16 m = tail_mask(n - p);
        // Masked-off lanes are zeroed after the exp, so they add nothing.
        const __m512 e = _mm512_maskz_mov_ps(
            m, exp_ref_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, scores + p), max)));
        sum_lo = _mm512_add_pd(sum_lo, _mm512_cvtps_pd(_mm512_castps512_ps256(e)));
        sum_hi = _mm512_add_pd(sum_hi, _mm512_cvtps_pd(_mm512_extractf32x8_ps(e, 1)));
        _mm512_mask_storeu_ps(scores + p, m, e);
    }
    const float inv_sum = static_cast<float>(1.0 / fold8_pd(_mm512_add_pd(sum_lo, sum_hi)));
    const __m512 scale = _mm512_set1_ps(inv_sum);
    for (int64_t p = 0; p < n; p += 16) {
        const __mmask16 m = tail_mask(n - p);
        __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(m, scores + p), scale);
        if (round_p) {
            v = round_to_f16(v);
        }
        _mm512_mask_storeu_ps(scores + p, m, v);
    }
}

// out[0..head_dim) = sum_p probs[p] * v_p for p < n; v_p = values + p * stride.
// Eight accumulators cover 128 dimensions; wider heads go 128 at a time.
void weighted_values(const float* probs, const uint16_t* values, int64_t stride, int64_t head_dim, int64_t n,
                     float* out) {
    for (int64_t d0 = 0; d0 < head_dim; d0 += 128) {
        __m512 acc[8];
        __mmask16 masks[8];
        for (int j = 0; j < 8; ++j) {
            acc[j] = _mm512_setzero_ps();
            const int64_t left = head_dim - d0 - 16 * j;
            masks[j] = left > 0 ? tail_mask(left) : static_cast<__mmask16>(0);
        }
        for (int64_t p = 0; p < n; ++p) {
            const __m512 w = _mm512_set1_ps(probs[p]);
            const uint16_t* v = values + p * stride + d0;
            for (int j = 0; j < 8; ++j) {
                if (masks[j] != 0) {
                    acc[j] = _mm512_fmadd_ps(w, load_f16(v + 16 * j, masks[j]), acc[j]);
                }
            }
        }
        for (int j = 0; j < 8; ++j) {
            if (masks[j] != 0) {
                _mm512_mask_storeu_ps(out + d0 + 16 * j, masks[j], acc[j]);
            }
        }
    }
}

}  // namespace

void attention_f16kv(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_attention_args*>(raw);
    const int64_t hd = a->head_dim;
    const int64_t group = a->n_heads / a->n_kv_heads;
    const bool round_q = (a->flags & BITNET_ATTN_ROUND_Q_F16) != 0;
    const bool round_p = (a->flags & BITNET_ATTN_ROUND_P_F16) != 0;
    alignas(64) float q_local[kMaxLocalHeadDim];
    for (int64_t h = begin; h < end; ++h) {
        const int64_t kv_offset = (h / group) * hd;
        float* scores = a->scratch + h * (a->pos0 + a->n_tokens);
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int64_t visible = a->pos0 + t + 1;
            const float* q = a->q + (t * a->n_heads + h) * hd;
            Query query{q, round_q};
            if (round_q && hd <= kMaxLocalHeadDim) {
                for (int64_t d = 0; d < hd; d += 16) {
                    const __mmask16 m = tail_mask(hd - d);
                    _mm512_mask_storeu_ps(q_local + d, m, round_to_f16(_mm512_maskz_loadu_ps(m, q + d)));
                }
                query = Query{q_local, false};
            }
            score_positions(query, a->k_cache + kv_offset, a->kv_stride, hd, visible, a->scale, scores);
            softmax_in_place(scores, visible, round_p);
            weighted_values(scores, a->v_cache + kv_offset, a->kv_stride, hd, visible,
                            a->out + (t * a->n_heads + h) * hd);
        }
    }
}

}  // namespace bitnet::avx512
