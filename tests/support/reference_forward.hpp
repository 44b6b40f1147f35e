// SPDX-License-Identifier: MIT
// A double-precision forward pass of a ternary GGUF, written from llama.cpp's
// graph definitions (its build_bitnet / build_llama and bitnet.cpp's fork), not
// from the runtime: its own I2_S decoding, RoPE from the closed-form theta, exact
// softmax, everything else in double. Kept from the definition: the int8
// activation quantization of every ternary matmul (BitNet b1.58's), and the f16
// roundings llama.cpp's graph makes by default: K and V in an f16 cache, Q and,
// for a one-token step, P converted to f16 as the vec_dot type of their f16
// matmuls, and the input of an f16 head. Without those, random-weight models
// drift to cosine ~0.9995: a value moved by an f16 ulp crosses an int8 rounding
// boundary downstream. Returns the last prompt token's logits.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "bitnet/f16.hpp"
#include "bitnet/gguf.hpp"

namespace bitnet::test {

struct ReferenceGraph {
    bool sub_norms;  // attn_sub_norm before attn_output, ffn_sub_norm before ffn_down
    bool relu2;      // relu(gate)^2 * up, else silu(gate) * up
    bool neox;       // RoPE pairs (i, i + n_rot/2), else (2i, 2i + 1)
};

// llama.cpp's choices per general.architecture (llama_rope_type and the graph builders).
inline ReferenceGraph reference_graph(const std::string& arch) {
    if (arch == "bitnet-b1.58" || arch == "bitnet-25") return {true, true, true};
    if (arch == "bitnet") return {true, false, true};
    if (arch == "llama") return {false, false, false};
    throw std::runtime_error("reference_forward: no graph for architecture " + arch);
}

class ReferenceForward {
public:
    explicit ReferenceForward(const std::string& path) : f_(path) {
        arch_ = f_.get_string("general.architecture");
        g_ = reference_graph(arch_);
        const auto u = [&](const char* k) { return static_cast<int64_t>(f_.get_uint(arch_ + "." + k)); };
        n_embd_ = u("embedding_length");
        n_ff_ = u("feed_forward_length");
        n_layer_ = u("block_count");
        n_head_ = u("attention.head_count");
        n_kv_ = u("attention.head_count_kv");
        n_rot_ = u("rope.dimension_count");
        eps_ = f_.get_float(arch_ + ".attention.layer_norm_rms_epsilon");
        base_ = f_.get_float(arch_ + ".rope.freq_base");
        hd_ = n_embd_ / n_head_;
        n_vocab_ = static_cast<int64_t>(f_.tensor("token_embd.weight").ne[1]);
    }

    std::vector<double> logits(const std::vector<int32_t>& ids) const {
        const int64_t T = static_cast<int64_t>(ids.size()), E = n_embd_, KV = n_kv_ * hd_;
        const auto& embd = f_.tensor("token_embd.weight");
        Mat x(T, std::vector<double>(E));
        for (int64_t t = 0; t < T; ++t) x[t] = dense_row(embd, ids[t], E);
        for (int64_t l = 0; l < n_layer_; ++l) {
            const std::string b = "blk." + std::to_string(l) + ".";
            Mat h = rmsnorm(x, b + "attn_norm.weight");
            Mat q = matmul(h, b + "attn_q.weight", E), k = matmul(h, b + "attn_k.weight", KV),
                v = matmul(h, b + "attn_v.weight", KV);
            rope(q, n_head_);
            rope(k, n_kv_);
            for (auto* m : {&q, &k, &v})
                for (auto& row : *m)
                    for (double& e : row) e = r16(e);
            Mat a = attention(q, k, v);
            if (g_.sub_norms) a = rmsnorm(a, b + "attn_sub_norm.weight");
            add(x, matmul(a, b + "attn_output.weight", E));
            h = rmsnorm(x, b + "ffn_norm.weight");
            Mat gate = matmul(h, b + "ffn_gate.weight", n_ff_);
            const Mat up = matmul(h, b + "ffn_up.weight", n_ff_);
            for (int64_t t = 0; t < T; ++t)
                for (int64_t i = 0; i < n_ff_; ++i) {
                    const double z = gate[t][i];
                    const double act = g_.relu2 ? std::max(z, 0.0) * std::max(z, 0.0) : z / (1.0 + std::exp(-z));
                    gate[t][i] = act * up[t][i];
                }
            if (g_.sub_norms) gate = rmsnorm(gate, b + "ffn_sub_norm.weight");
            add(x, matmul(gate, b + "ffn_down.weight", E));
        }
        const Mat last = rmsnorm(Mat{x.back()}, "output_norm.weight");
        const auto* out = f_.find_tensor("output.weight");
        const auto& head = out ? *out : embd;
        std::vector<double> logits(static_cast<size_t>(n_vocab_));
        const std::vector<double> in = head_input(head.type, last[0]);
        for (int64_t r = 0; r < n_vocab_; ++r) {
            const auto row = dense_row(head, r, E);
            double s = 0;
            for (int64_t i = 0; i < E; ++i) s += row[i] * in[i];
            logits[r] = s;
        }
        return logits;
    }

private:
    using Mat = std::vector<std::vector<double>>;

    static double r16(double v) { return f16_to_f32(f32_to_f16(static_cast<float>(v))); }

    // Row r of an embedding or head, each element decoded on its own from the
    // layouts: F32, F16, BF16 (the high half of an f32); Q8_0 blocks of 32 (f16 d,
    // then int8 q: d*q); Q6_K blocks of 256 (ql[128], qh[64], int8 sc[16], f16 d):
    // element e of a block is in half h = e/128 at l = e%32, quarter u = (e%128)/32,
    // low nibble of ql[64h + l + 32(u%2)] (the high one when u >= 2), bits 2u of
    // qh[32h + l]; x = d * sc[e/16] * (q - 32).
    static double dense_weight(const gguf::TensorInfo& t, int64_t r, int64_t i, int64_t k) {
        auto half = [](const uint8_t* p) {
            uint16_t h;
            std::memcpy(&h, p, 2);
            return h;
        };
        switch (t.type) {
            case gguf::TensorType::F32: {
                float f;
                std::memcpy(&f, t.data + 4 * (r * k + i), 4);
                return f;
            }
            case gguf::TensorType::F16: return f16_to_f32(half(t.data + 2 * (r * k + i)));
            case gguf::TensorType::BF16: {
                const uint32_t bits = static_cast<uint32_t>(half(t.data + 2 * (r * k + i))) << 16;
                float f;
                std::memcpy(&f, &bits, 4);
                return f;
            }
            case gguf::TensorType::Q8_0: {
                const uint8_t* blk = t.data + (r * (k / 32) + i / 32) * 34;
                return static_cast<double>(f16_to_f32(half(blk))) * static_cast<int8_t>(blk[2 + i % 32]);
            }
            case gguf::TensorType::Q6_K: {
                const uint8_t* blk = t.data + (r * (k / 256) + i / 256) * 210;
                const int64_t e = i % 256, h = e / 128, l = e % 32, u = (e % 128) / 32;
                const uint8_t ql = blk[64 * h + l + 32 * (u % 2)];
                const int lo = u < 2 ? ql & 0xF : ql >> 4;
                const int hi = (blk[128 + 32 * h + l] >> (2 * u)) & 3;
                const auto sc = static_cast<int8_t>(blk[192 + e / 16]);
                return static_cast<double>(f16_to_f32(half(blk + 208))) * sc * ((lo | (hi << 4)) - 32);
            }
            default: throw std::runtime_error("reference: no embedding decoding for this type");
        }
    }

    static std::vector<double> dense_row(const gguf::TensorInfo& t, int64_t r, int64_t n) {
        std::vector<double> v(n);
        for (int64_t i = 0; i < n; ++i) v[i] = dense_weight(t, r, i, n);
        return v;
    }

    // The head's input as llama.cpp's matmul sees it: converted to the weight
    // type's vec_dot type. F16 -> f16, BF16 -> bf16, F32 -> as is, Q8_0 -> Q8_0
    // (d = amax/127, q = round(x/d), d stored as f16), Q6_K -> Q8_K (per 256:
    // iscale = -127/x_max for the x of largest magnitude, q = min(127,
    // round(iscale*x)), value q/iscale).
    static std::vector<double> head_input(gguf::TensorType type, const std::vector<double>& x) {
        std::vector<double> y(x.size());
        const size_t n = x.size();
        switch (type) {
            case gguf::TensorType::F32:
                for (size_t i = 0; i < n; ++i) y[i] = static_cast<float>(x[i]);
                return y;
            case gguf::TensorType::F16:
                for (size_t i = 0; i < n; ++i) y[i] = r16(x[i]);
                return y;
            case gguf::TensorType::BF16:
                for (size_t i = 0; i < n; ++i) {
                    uint32_t u;
                    const float f = static_cast<float>(x[i]);
                    std::memcpy(&u, &f, 4);
                    u = (u + (0x7fffu + ((u >> 16) & 1u))) & 0xffff0000u;
                    float g;
                    std::memcpy(&g, &u, 4);
                    y[i] = g;
                }
                return y;
            case gguf::TensorType::Q8_0:
                for (size_t b = 0; b < n; b += 32) {
                    float amax = 0;
                    for (size_t j = b; j < b + 32; ++j) amax = std::max(amax, std::fabs(static_cast<float>(x[j])));
                    const float d = amax / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
                    const double dh = f16_to_f32(f32_to_f16(d));
                    for (size_t j = b; j < b + 32; ++j) y[j] = dh * std::round(static_cast<float>(x[j]) * id);
                }
                return y;
            case gguf::TensorType::Q6_K:
                for (size_t b = 0; b < n; b += 256) {
                    float amax = 0, max = 0;
                    for (size_t j = b; j < b + 256; ++j) {
                        const float v = static_cast<float>(x[j]);
                        if (std::fabs(v) > amax) amax = std::fabs(v), max = v;
                    }
                    if (amax == 0) continue;
                    const float iscale = -127.0f / max;
                    for (size_t j = b; j < b + 256; ++j)
                        y[j] = std::min(127.0f, std::nearbyint(iscale * static_cast<float>(x[j]))) * (1.0f / iscale);
                }
                return y;
            default: throw std::runtime_error("reference: no head input rule for this type");
        }
    }

    const float* f32(const std::string& name) const { return reinterpret_cast<const float*>(f_.tensor(name).data); }

    Mat rmsnorm(const Mat& x, const std::string& weight) const {
        const float* w = f32(weight);
        Mat y = x;
        for (auto& row : y) {
            double ss = 0;
            for (double v : row) ss += v * v;
            const double inv = 1.0 / std::sqrt(ss / static_cast<double>(row.size()) + eps_);
            for (size_t i = 0; i < row.size(); ++i) row[i] = row[i] * inv * w[i];
        }
        return y;
    }

    // I2_S: rows of k/4 bytes, blocks of 128 weights in 32 bytes, byte j of a block
    // holding elements j, j+32, j+64, j+96 in bits 7..6 down to 1..0; code 0 -1,
    // 1 0, 2 +1. One float scale follows the packed rows.
    // TQ2_0 / TQ1_0 (ggml-quants.c): 256-weight blocks, f16 d last; TQ2_0 byte m of
    // each 32 holds elements m + 32n in bits 2n; TQ1_0 holds base-3 digits (most
    // significant first) scaled by 256/243: 32 bytes x 5, 16 x 5, then 4 x 4.
    static double tq_weight(const gguf::TensorInfo& t, int64_t r, int64_t i, int64_t k) {
        const bool tq2 = t.type == gguf::TensorType::TQ2_0;
        const int64_t bb = tq2 ? 66 : 54;
        const uint8_t* blk = t.data + (r * (k / 256) + i / 256) * bb;
        uint16_t h;
        std::memcpy(&h, blk + bb - 2, 2);
        const int64_t e = i % 256;
        int code;
        if (tq2) {
            code = (blk[(e / 128) * 32 + e % 32] >> (2 * ((e % 128) / 32))) & 3;
        } else {
            int byte, digit;
            if (e < 160) byte = e % 32, digit = static_cast<int>(e / 32);
            else if (e < 240) byte = 32 + (e - 160) % 16, digit = static_cast<int>((e - 160) / 16);
            else byte = 48 + (e - 240) % 4, digit = static_cast<int>((e - 240) / 4);
            static constexpr int kPow3[5] = {1, 3, 9, 27, 81};
            code = (static_cast<uint8_t>(blk[byte] * kPow3[digit]) * 3) >> 8;
        }
        return (code - 1) * static_cast<double>(f16_to_f32(h));
    }

    Mat matmul(const Mat& x, const std::string& name, int64_t rows) const {
        const auto& t = f_.tensor(name);
        const int64_t k = static_cast<int64_t>(t.ne[0]);
        if (t.type != gguf::TensorType::I2_S) return matmul_tq(x, t, rows, k);
        float wscale;
        std::memcpy(&wscale, t.data + rows * k / 4, sizeof wscale);
        Mat y(x.size(), std::vector<double>(static_cast<size_t>(rows)));
        for (size_t tok = 0; tok < x.size(); ++tok) {
            double amax = 1e-5;
            for (double v : x[tok]) amax = std::max(amax, std::fabs(v));
            const double s = 127.0 / amax;
            std::vector<double> q(static_cast<size_t>(k));
            for (int64_t i = 0; i < k; ++i) q[i] = std::clamp(std::nearbyint(x[tok][i] * s), -128.0, 127.0);
            for (int64_t r = 0; r < rows; ++r) {
                const uint8_t* row = t.data + r * k / 4;
                double acc = 0;
                for (int64_t i = 0; i < k; ++i) {
                    const int64_t blk = i / 128, e = i % 128;
                    const int code = (row[blk * 32 + e % 32] >> (6 - 2 * (e / 32))) & 3;
                    acc += (code == 0 ? -1.0 : code == 2 ? 1.0 : 0.0) * q[i];
                }
                y[tok][r] = acc / s * wscale;
            }
        }
        return y;
    }

    static std::vector<double> quantize(const std::vector<double>& x, double& s) {
        double amax = 1e-5;
        for (double v : x) amax = std::max(amax, std::fabs(v));
        s = 127.0 / amax;
        std::vector<double> q(x.size());
        for (size_t i = 0; i < x.size(); ++i) q[i] = std::clamp(std::nearbyint(x[i] * s), -128.0, 127.0);
        return q;
    }

    Mat matmul_tq(const Mat& x, const gguf::TensorInfo& t, int64_t rows, int64_t k) const {
        Mat y(x.size(), std::vector<double>(static_cast<size_t>(rows)));
        for (size_t tok = 0; tok < x.size(); ++tok) {
            double s;
            const auto q = quantize(x[tok], s);
            for (int64_t r = 0; r < rows; ++r) {
                double acc = 0;
                for (int64_t i = 0; i < k; ++i) acc += tq_weight(t, r, i, k) * q[i];
                y[tok][r] = acc / s;
            }
        }
        return y;
    }

    void rope(Mat& x, int64_t heads) const {
        for (size_t t = 0; t < x.size(); ++t)
            for (int64_t h = 0; h < heads; ++h) {
                double* v = x[t].data() + h * hd_;
                for (int64_t i = 0; i < n_rot_ / 2; ++i) {
                    const double theta = static_cast<double>(t) * std::pow(base_, -2.0 * i / n_rot_);
                    const int64_t i0 = g_.neox ? i : 2 * i, i1 = g_.neox ? i + n_rot_ / 2 : 2 * i + 1;
                    const double a = v[i0], b = v[i1];
                    v[i0] = a * std::cos(theta) - b * std::sin(theta);
                    v[i1] = a * std::sin(theta) + b * std::cos(theta);
                }
            }
    }

    Mat attention(const Mat& q, const Mat& k, const Mat& v) const {
        const size_t T = q.size();
        Mat out(T, std::vector<double>(static_cast<size_t>(n_embd_)));
        for (size_t t = 0; t < T; ++t)
            for (int64_t h = 0; h < n_head_; ++h) {
                const int64_t g = h / (n_head_ / n_kv_);
                std::vector<double> p(t + 1);
                double m = -INFINITY;
                for (size_t s = 0; s <= t; ++s) {
                    double d = 0;
                    for (int64_t i = 0; i < hd_; ++i) d += q[t][h * hd_ + i] * k[s][g * hd_ + i];
                    p[s] = d / std::sqrt(static_cast<double>(hd_));
                    m = std::max(m, p[s]);
                }
                double sum = 0;
                for (double& e : p) sum += (e = std::exp(e - m));
                for (double& e : p) e = T == 1 ? r16(e / sum) : e / sum;
                for (size_t s = 0; s <= t; ++s)
                    for (int64_t i = 0; i < hd_; ++i) out[t][h * hd_ + i] += p[s] * v[s][g * hd_ + i];
            }
        return out;
    }

    static void add(Mat& x, const Mat& y) {
        for (size_t t = 0; t < x.size(); ++t)
            for (size_t i = 0; i < x[t].size(); ++i) x[t][i] += y[t][i];
    }

    gguf::GgufFile f_;
    std::string arch_;
    ReferenceGraph g_{};
    int64_t n_embd_{0}, n_ff_{0}, n_layer_{0}, n_head_{0}, n_kv_{0}, n_rot_{0}, hd_{0}, n_vocab_{0};
    double eps_{0}, base_{0};
};

}  // namespace bitnet::test
