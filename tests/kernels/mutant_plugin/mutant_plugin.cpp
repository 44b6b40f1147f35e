// SPDX-License-Identifier: MIT
// cpu-mutant: a test-only plugin whose kernels each carry one deliberate,
// realistic bug (or, for one, a harmless difference), so the parity suite can
// prove it catches what it claims to. Never installed, never in the plugin dir.
#include <bitnet/kernel_plugin.h>

#include <cmath>
#include <algorithm>
#include <cstdlib>

namespace {

int32_t dot(const uint8_t* row, const int8_t* q, int64_t k, bool code3_is_plus2) {
    int32_t acc = 0;
    for (int64_t i = 0; i < k; ++i) {
        const int code = (row[(i / 128) * 32 + i % 32] >> (6 - 2 * ((i % 128) / 32))) & 3;
        const int w = code == 3 ? (code3_is_plus2 ? 2 : 0) : code - 1;
        acc += w * q[i];
    }
    return acc;
}

// Bug: code 3 read as code - 1 = +2 instead of 0.
void gemv_code3_as_plus2(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    for (int64_t r = begin; r < end; ++r) {
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int32_t acc = dot(a->w->data + r * a->w->k / 4, a->q + t * a->w->k, a->w->k, true);
            a->y[t * a->ldy + r] = static_cast<float>(acc) / a->act_scale[t] * a->w->scale;
        }
    }
}

// Bug: output stride taken as rows instead of ldy.
void gemm_ignores_ldy(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_i2s_matmul_args*>(raw);
    for (int64_t r = begin; r < end; ++r) {
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const int32_t acc = dot(a->w->data + r * a->w->k / 4, a->q + t * a->w->k, a->w->k, false);
            a->y[t * a->w->rows + r] = static_cast<float>(acc) / a->act_scale[t] * a->w->scale;
        }
    }
}

// Bug: rounds halves away from zero.
void quantize_half_away(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_quantize_args*>(raw);
    for (int64_t t = begin; t < end; ++t) {
        const float* x = a->x + t * a->k;
        float m = 0.0f;
        for (int64_t i = 0; i < a->k; ++i) m = std::fmax(m, std::fabs(x[i]));
        const float s = static_cast<float>(127.0 / std::fmax(1e-5, static_cast<double>(m)));
        int32_t sum = 0;
        for (int64_t i = 0; i < a->k; ++i) {
            const float v = std::fmin(127.0f, std::fmax(-128.0f, std::round(x[i] * s)));
            a->q[t * a->k + i] = static_cast<int8_t>(v);
            sum += a->q[t * a->k + i];
        }
        a->scale[t] = s;
        a->sum[t] = sum;
    }
}

// Bug: finishes the 8-wide tile past `end`, writing zeros there; right for one
// call over everything, wrong when a later-run chunk was already written.
void add_tile_overrun(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_binary_args*>(raw);
    const int64_t stop = std::min<int64_t>(a->n, (end + 7) / 8 * 8);
    for (int64_t i = begin; i < stop; ++i) a->out[i] = i < end ? a->a[i] + a->b[i] : 0.0f;
}

// Bug: one powf per dimension instead of the reference's repeated product.
void rope_pow_theta(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_rope_args*>(raw);
    const int64_t half = a->n_rot / 2;
    for (int64_t t = begin; t < end; ++t) {
        for (int64_t h = 0; h < a->n_heads; ++h) {
            float* x = a->x + (t * a->n_heads + h) * a->head_dim;
            for (int64_t i = 0; i < half; ++i) {
                const float theta = static_cast<float>(a->pos[t]) *
                                    std::pow(a->freq_base, -2.0f * static_cast<float>(i) / static_cast<float>(a->n_rot));
                const float c = std::cos(theta), s = std::sin(theta);
                const float x0 = x[i], x1 = x[i + half];
                x[i] = x0 * c - x1 * s;
                x[i + half] = x0 * s + x1 * c;
            }
        }
    }
}

float half_to_float(uint16_t h) {
    const int e = (h >> 10) & 31, m = h & 1023;
    const float mag = e == 0 ? std::ldexp(static_cast<float>(m), -24) : std::ldexp(static_cast<float>(m | 1024), e - 25);
    return (h & 0x8000) ? -mag : mag;
}

// Harmless: kernel_plugin.h's dot16 (products of halves are exact, so a
// multiply then an add is the fused one), rows visited last to first. The order
// of rows changes nothing, so the suite must pass it.
void f16_matmul_rows_backwards(const void* raw, int64_t begin, int64_t end) {
    const auto* a = static_cast<const bitnet_kp_f16_matmul_args*>(raw);
    for (int64_t t = 0; t < a->n_tokens; ++t) {
        for (int64_t r = end - 1; r >= begin; --r) {
            float lane[16] = {};
            for (int64_t i = 0; i < a->k; ++i) {
                const _Float16 xh = static_cast<_Float16>(a->x[t * a->k + i]);
                lane[i % 16] += half_to_float(a->w[r * a->k + i]) * static_cast<float>(xh);
            }
            for (int h = 8; h >= 1; h /= 2)
                for (int j = 0; j < h; ++j) lane[j] += lane[j + h];
            a->y[t * a->ldy + r] = lane[0];
        }
    }
}

// A plain attention that can be told to ignore one of the rounding flags, or
// to sum in another order than kernel_plugin.h's (8 lanes for q.k, float
// softmax sum, p.v backwards), as a SIMD kernel written for speed alone might.
void attention_variant(const void* raw, int64_t begin, int64_t end, uint32_t dropped, bool reorder) {
    const auto* a = static_cast<const bitnet_kp_attention_args*>(raw);
    const uint32_t flags = a->flags & ~dropped;
    const int64_t hd = a->head_dim, n_max = a->pos0 + a->n_tokens;
    for (int64_t h = begin; h < end; ++h) {
        const int64_t off = (h / (a->n_heads / a->n_kv_heads)) * hd;
        float* w = a->scratch + h * n_max;
        for (int64_t t = 0; t < a->n_tokens; ++t) {
            const float* q = a->q + (t * a->n_heads + h) * hd;
            float* out = a->out + (t * a->n_heads + h) * hd;
            const int64_t n = a->pos0 + t + 1;
            float m = -INFINITY;
            for (int64_t j = 0; j < n; ++j) {
                float lanes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
                for (int64_t d = 0; d < hd; ++d) {
                    const float qd = (flags & BITNET_ATTN_ROUND_Q_F16) ? static_cast<float>(static_cast<_Float16>(q[d])) : q[d];
                    lanes[reorder ? d % 8 : 0] += qd * half_to_float(a->k_cache[j * a->kv_stride + off + d]);
                }
                const float dot = ((lanes[0] + lanes[4]) + (lanes[2] + lanes[6])) + ((lanes[1] + lanes[5]) + (lanes[3] + lanes[7]));
                w[j] = dot * a->scale;
                m = std::fmax(m, w[j]);
            }
            double sum = 0.0;
            float fsum = 0.0f;
            for (int64_t j = 0; j < n; ++j) {
                w[j] = std::exp(w[j] - m);
                sum += w[j];
                fsum += w[j];
            }
            const float inv = reorder ? 1.0f / fsum : static_cast<float>(1.0 / sum);
            for (int64_t j = 0; j < n; ++j) {
                w[j] *= inv;
                if (flags & BITNET_ATTN_ROUND_P_F16) w[j] = static_cast<float>(static_cast<_Float16>(w[j]));
            }
            for (int64_t d = 0; d < hd; ++d) {
                float acc = 0.0f;
                for (int64_t i = 0; i < n; ++i) {
                    const int64_t j = reorder ? n - 1 - i : i;
                    acc += w[j] * half_to_float(a->v_cache[j * a->kv_stride + off + d]);
                }
                out[d] = acc;
            }
        }
    }
}

// Bug: never rounds q to f16.
void attention_ignores_q_flag(const void* raw, int64_t begin, int64_t end) {
    attention_variant(raw, begin, end, BITNET_ATTN_ROUND_Q_F16, false);
}

// Bug: never rounds the softmax weights to f16.
void attention_ignores_p_flag(const void* raw, int64_t begin, int64_t end) {
    attention_variant(raw, begin, end, BITNET_ATTN_ROUND_P_F16, false);
}

// Bug since ABI 1.2: another summation order than the header's, within every
// float error bound but not bitwise cpu-scalar's, which is what makes plugins
// disagree on tokens.
void attention_reordered(const void* raw, int64_t begin, int64_t end) {
    attention_variant(raw, begin, end, 0, true);
}

// Must never run: it needs a feature no CPU reports.
void attention_needs_unknown_feature(const void*, int64_t, int64_t) { std::abort(); }

constexpr uint64_t kNoSuchFeature = UINT64_C(1) << 63;

const bitnet_kp_kernel kKernels[] = {
    {sizeof(bitnet_kp_kernel), "cpu-mutant.i2s_gemv.i8.code3_as_plus2", BITNET_OP_I2S_GEMV, 1, 0, gemv_code3_as_plus2, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.i2s_gemm.i8.ignores_ldy", BITNET_OP_I2S_GEMM, 1, 0, gemm_ignores_ldy, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.quantize_i8.f32.half_away", BITNET_OP_QUANTIZE_I8, 1, 0, quantize_half_away, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.add.f32.tile_overrun", BITNET_OP_ADD, 1, 0, add_tile_overrun, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.rope_neox.f32.pow_theta", BITNET_OP_ROPE_NEOX, 1, 0, rope_pow_theta, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.f16_matmul.f32.rows_backwards", BITNET_OP_F16_MATMUL, 1, 0, f16_matmul_rows_backwards, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.attention.f16kv.ignores_q_flag", BITNET_OP_ATTENTION, 1, 0, attention_ignores_q_flag, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.attention.f16kv.ignores_p_flag", BITNET_OP_ATTENTION, 1, 0, attention_ignores_p_flag, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.attention.f16kv.reordered", BITNET_OP_ATTENTION, 1, 0, attention_reordered, nullptr, nullptr},
    {sizeof(bitnet_kp_kernel), "cpu-mutant.attention.f16kv.unknown_isa", BITNET_OP_ATTENTION, 1, kNoSuchFeature, attention_needs_unknown_feature, nullptr, nullptr},
};

uint32_t score(const bitnet_kp_host* host) { return host ? 2u : 0u; }

const bitnet_kp_plugin kPlugin = {sizeof(bitnet_kp_plugin), BITNET_KP_ABI_MAJOR, BITNET_KP_ABI_MINOR,
                                  "cpu-mutant", "0", "tests", 0, score,
                                  static_cast<uint32_t>(sizeof kKernels / sizeof kKernels[0]), kKernels};

}  // namespace

extern "C" BITNET_KP_EXPORT bitnet_kp_status bitnet_kernel_plugin_entry(const bitnet_kp_host* host,
                                                                        const bitnet_kp_plugin** out) {
    if (host == nullptr || out == nullptr) return BITNET_KP_ERR_INVALID;
    if (host->abi_major != BITNET_KP_ABI_MAJOR) return BITNET_KP_ERR_ABI;
    *out = &kPlugin;
    return BITNET_KP_OK;
}
