/* SPDX-License-Identifier: MIT */
/*
 * bitnet/kernel_plugin.h: the one stable ABI between the bitnet-runtime host and
 * kernel plugins (C99). A plugin is a shared object exporting exactly one symbol,
 * BITNET_KP_ENTRY_SYMBOL, with the signature bitnet_kp_entry_fn.
 *
 * Rules of the contract:
 *  - Version negotiation comes first: the host passes its ABI version in
 *    bitnet_kp_host; a plugin whose major differs returns BITNET_KP_ERR_ABI.
 *    Minor versions only append fields at the end of structs, which is why every
 *    struct starts with struct_size: readers check it before touching a field.
 *  - Everything a plugin returns (descriptor, kernel table, strings) is static and
 *    owned by the plugin; the host frees nothing and keeps the library loaded.
 *  - No C++ type or exception crosses this boundary; kernels return void and the
 *    host validates every argument before calling.
 *  - Kernels compute the half-open range [begin, end) of the op's split axis (see
 *    each op) given by the host's thread pool. They never start threads, and a
 *    result must not depend on how the range is split.
 *  - The entry point must run no ISA-specific instruction: compile the file that
 *    defines it with baseline flags and without LTO.
 *  - Float results are bitwise those of the definitions below (since 1.2 also
 *    for ATTENTION and F16_MATMUL, through the reduction order that follows), so
 *    every plugin produces the same logits and the same tokens.
 *
 * Reduction order (since 1.2). dot16(a, b, n) is the float sum of a[i]*b[i] over
 * 16 lanes: lane l starts at +0 and takes l = fma(a[i], b[i], l) for the i < n
 * with i % 16 == l, in increasing i; then the lanes are folded by halves,
 * l[j] = l[j] + l[j + h] for j < h, with h = 8, 4, 2, 1, and lane 0 is the sum.
 * sum16d(e, n) is the same in double for a sum of floats: lane l = l + (double)e[p]
 * over p % 16 == l in increasing p, then the same folds. exp_ref(x), in double,
 * for the softmax: x = fmax(x, -746); k = nearbyint(x * 1.4426950408889634);
 * r = fma(-k, 0x1.62e42fefa39efp-1, x); r = fma(-k, 0x1.abc9e3b39803fp-56, r);
 * s = 1/11!; s = fma(s, r, 1/i!) for i = 10 down to 0 (each 1/i! rounded to
 * double); exp_ref = s * 2^k. This is expf correctly rounded in all but rare
 * cases, cheap in any SIMD, and the same bits everywhere.
 */
#ifndef BITNET_KERNEL_PLUGIN_H
#define BITNET_KERNEL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BITNET_KP_ABI_MAJOR 1
#define BITNET_KP_ABI_MINOR 6
#define BITNET_KP_ENTRY_SYMBOL "bitnet_kernel_plugin_entry"

#if defined(_WIN32)
#define BITNET_KP_EXPORT __declspec(dllexport)
#else
#define BITNET_KP_EXPORT __attribute__((visibility("default")))
#endif

/* Status codes returned across the ABI. */
typedef enum bitnet_kp_status {
    BITNET_KP_OK = 0,
    BITNET_KP_ERR_ABI = 1,     /* ABI major differs from the host's */
    BITNET_KP_ERR_INVALID = 2, /* a NULL or malformed argument */
    BITNET_KP_ERR_UNSUPPORTED = 3
} bitnet_kp_status;

/* CPU features, as a bit set. The host reports only features the CPU has AND the
 * OS has enabled (XCR0 on x86-64, HWCAP on aarch64). */
#define BITNET_CPU_X86_64 (UINT64_C(1) << 0)
#define BITNET_CPU_SSE42 (UINT64_C(1) << 1)
#define BITNET_CPU_AVX (UINT64_C(1) << 2)
#define BITNET_CPU_AVX2 (UINT64_C(1) << 3)
#define BITNET_CPU_FMA (UINT64_C(1) << 4)
#define BITNET_CPU_F16C (UINT64_C(1) << 5)
#define BITNET_CPU_AVX512F (UINT64_C(1) << 6)
#define BITNET_CPU_AVX512BW (UINT64_C(1) << 7)
#define BITNET_CPU_AVX512VL (UINT64_C(1) << 8)
#define BITNET_CPU_AVX512DQ (UINT64_C(1) << 9)
#define BITNET_CPU_AVX512VNNI (UINT64_C(1) << 10)
#define BITNET_CPU_AVX512BF16 (UINT64_C(1) << 11)
#define BITNET_CPU_AVXVNNI (UINT64_C(1) << 12)
#define BITNET_CPU_AARCH64 (UINT64_C(1) << 32)
#define BITNET_CPU_NEON (UINT64_C(1) << 33)
#define BITNET_CPU_ASIMDDP (UINT64_C(1) << 34) /* SDOT/UDOT */
#define BITNET_CPU_FP16 (UINT64_C(1) << 35)
#define BITNET_CPU_I8MM (UINT64_C(1) << 36)

/* What the host tells a plugin about itself and the machine. */
typedef struct bitnet_kp_host {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    uint64_t cpu_features; /* usable features: detected and OS-enabled */
    const char *host_name; /* e.g. "bitnet-runtime" */
    const char *host_version;
} bitnet_kp_host;

/* Operation tags. Each names the args struct its kernels receive and the axis
 * that [begin, end) splits. */
typedef enum bitnet_kp_op {
    BITNET_OP_I2S_GEMV = 1,     /* bitnet_kp_i2s_matmul_args, n_tokens == 1; output rows */
    BITNET_OP_I2S_GEMM = 2,     /* bitnet_kp_i2s_matmul_args, n_tokens >= 1; output rows */
    BITNET_OP_QUANTIZE_I8 = 3,  /* bitnet_kp_quantize_args; tokens */
    BITNET_OP_RMSNORM = 4,      /* bitnet_kp_rmsnorm_args; tokens */
    BITNET_OP_ROPE_NEOX = 5,    /* bitnet_kp_rope_args; tokens */
    BITNET_OP_ATTENTION = 6,    /* bitnet_kp_attention_args; query heads */
    BITNET_OP_RELU2_GATE = 7,   /* bitnet_kp_binary_args; elements */
    BITNET_OP_ADD = 8,          /* bitnet_kp_binary_args; elements */
    BITNET_OP_EMBED_F16 = 9,    /* bitnet_kp_embed_args; tokens */
    BITNET_OP_F16_MATMUL = 10,  /* bitnet_kp_f16_matmul_args; output rows */
    BITNET_OP_Q8_MATMUL = 11,   /* bitnet_kp_q8_matmul_args; output rows (since 1.1) */
    /* bitnet_kp_i2s_matmul_args, 2 <= n_tokens <= 8: one token of each of a few
     * sequences decoding together, where a prefill GEMM (tuned for long batches)
     * may be slow. Optional: with no kernel for it the host calls I2S_GEMM. Its
     * weights view is packed by this kernel's own pack routine. (since 1.3) */
    BITNET_OP_I2S_GEMM_FEW = 12,
    /* The ops of architectures other than bitnet-b1.58 (llama, 1bitLLM bitnet);
     * a host requires them only for models that use them. (since 1.4) */
    BITNET_OP_ROPE_NORM = 13,   /* bitnet_kp_rope_args; tokens */
    BITNET_OP_SILU_GATE = 14,   /* bitnet_kp_binary_args; elements */
    /* bitnet_kp_i2s_block_matmul_args, n_tokens >= 1; output rows. Ternary
     * weights with a scale per 256-weight block (llama.cpp's TQ1_0/TQ2_0 whose
     * blocks' d differ); a host requires it only for such models. (since 1.5) */
    BITNET_OP_I2S_BLOCK_MATMUL = 15,
    /* Output heads stored in llama.cpp's block types, run on their own bytes with
     * the input quantized as llama.cpp's matmul quantizes it; a host requires
     * them only for such heads. (since 1.6) */
    BITNET_OP_Q8_0_MATMUL = 16, /* bitnet_kp_block_matmul_args; output rows */
    BITNET_OP_Q6_K_MATMUL = 17, /* bitnet_kp_block_matmul_args; output rows */
    /* The opt-in int8 head made at load from F16 rows; a host requires it only
     * when asked for that head. (since 1.6) */
    BITNET_OP_QUANTIZE_ROWS_Q8 = 18 /* bitnet_kp_quantize_rows_args; rows */
} bitnet_kp_op;
/* Ops known to this header. A host ignores kernels of ops above its own count,
 * so a plugin built against a later minor still loads. */
#define BITNET_OP_COUNT 18
/* The most tokens a host passes to I2S_GEMM_FEW. */
#define BITNET_KP_GEMM_FEW_MAX_TOKENS 8

/* An I2_S ternary weight [rows x k] as stored in GGUF: row r starts at byte
 * r*k/4; inside a row, blocks of 128 weights in 32 bytes, byte b of block B
 * holding elements 128B+b (bits 7..6), +32 (5..4), +64 (3..2), +96 (1..0).
 * Codes 0,1,2 mean -1,0,+1; code 3 must be treated as 0. k % 128 == 0. */
typedef struct bitnet_kp_i2s_weights {
    uint32_t struct_size;
    const uint8_t *data;  /* rows*k/4 bytes, the mapped file */
    const void *packed;   /* the kernel's own packed copy, or NULL (see pack) */
    int64_t rows;
    int64_t k;
    float scale;          /* per-tensor weight scale */
} bitnet_kp_i2s_weights;

/* y[t*ldy + r] = ((float)dot(w_r, q_t)) / act_scale[t] * w.scale for every token
 * t < n_tokens and every output row r in [begin, end). dot is the exact integer
 * sum of w in {-1,0,+1} times q; act_sum[t] = sum of q_t (for kernels that use
 * codes {0,1,2} and subtract it). */
typedef struct bitnet_kp_i2s_matmul_args {
    uint32_t struct_size;
    const bitnet_kp_i2s_weights *w;
    const int8_t *q;          /* n_tokens x w->k, row stride w->k */
    const float *act_scale;   /* n_tokens: 127 / max(1e-5, amax) */
    const int32_t *act_sum;   /* n_tokens */
    float *y;
    int64_t n_tokens;
    int64_t ldy;
} bitnet_kp_i2s_matmul_args;

/* I2S_BLOCK_MATMUL: the codes of w in the I2_S layout (w->scale and w->packed
 * unused) and block_scale[r * (k/256) + b] for block b of row r. For every token
 * t and row r in [begin, end): acc starts at +0 and, for b in increasing order,
 * takes acc = acc + (float)dot_b * block_scale[r*(k/256) + b] (a product and a
 * sum, each rounded; no fma), dot_b the exact integer dot of the block's 256
 * weights with q_t; then y[t*ldy + r] = acc / act_scale[t]. k % 256 == 0. */
typedef struct bitnet_kp_i2s_block_matmul_args {
    uint32_t struct_size;
    const bitnet_kp_i2s_weights *w;
    const float *block_scale; /* w->rows x w->k/256 */
    const int8_t *q;          /* n_tokens x w->k, row stride w->k */
    const float *act_scale;   /* n_tokens */
    const int32_t *act_sum;   /* n_tokens */
    float *y;
    int64_t n_tokens;
    int64_t ldy;
} bitnet_kp_i2s_block_matmul_args;

/* Per token t in [begin, end): amax = max(1e-5, max|x|) in double,
 * s = (float)(127/amax), q = clamp(round_half_even(x*s in float), -128, 127),
 * scale[t] = s, sum[t] = sum of q. */
typedef struct bitnet_kp_quantize_args {
    uint32_t struct_size;
    const float *x;  /* n_tokens x k */
    int8_t *q;       /* n_tokens x k */
    float *scale;    /* n_tokens */
    int32_t *sum;    /* n_tokens */
    int64_t n_tokens;
    int64_t k;
} bitnet_kp_quantize_args;

/* Per token t in [begin, end): y = (x * (1/sqrtf(mean(x^2) + eps))) * w, where
 * mean(x^2) accumulates float squares in double. y may alias x. */
typedef struct bitnet_kp_rmsnorm_args {
    uint32_t struct_size;
    const float *x;  /* n_tokens x n */
    const float *w;  /* n */
    float *y;        /* n_tokens x n */
    int64_t n_tokens;
    int64_t n;
    float eps;
} bitnet_kp_rmsnorm_args;

/* NEOX rotary embedding in place, per token t in [begin, end), every head: pairs
 * (i, i + n_rot/2) for i < n_rot/2 rotate by theta_i = pos[t] * base^(-2i/n_rot),
 * theta advanced by repeated float multiplication by theta_scale. Dimensions at
 * or beyond n_rot are left alone. ROPE_NORM (llama.cpp's "normal" mode, the
 * llama architecture's) is the same with pairs of adjacent dimensions
 * (2i, 2i + 1) for i < n_rot/2 and the same theta_i. The rotation is
 * x0*cos - x1*sin, x0*sin + x1*cos with cosf/sinf of the float theta. */
typedef struct bitnet_kp_rope_args {
    uint32_t struct_size;
    float *x;               /* n_tokens x n_heads x head_dim */
    const int32_t *pos;     /* n_tokens */
    int64_t n_tokens;
    int64_t n_heads;
    int64_t head_dim;
    int64_t n_rot;
    float freq_base;
} bitnet_kp_rope_args;

#define BITNET_ATTN_ROUND_Q_F16 (1u << 0) /* round q to f16 before q.k */
#define BITNET_ATTN_ROUND_P_F16 (1u << 1) /* round softmax output to f16 before p.v */

/* Causal attention for query heads h in [begin, end): token t (at position
 * pos0 + t) attends to cache positions [0, pos0 + t]. Query head h reads kv head
 * h / (n_heads / n_kv_heads). Caches hold f16 bits; position p of kv head g
 * starts at element p*kv_stride + g*head_dim. out = softmax(scale * q.k) . v,
 * heads concatenated per token. scratch holds n_heads * (pos0 + n_tokens) floats;
 * head h may use only its own row of it. In order (see "Reduction order"), for
 * the visible positions p: q' = q (rounded to f16 under ROUND_Q_F16);
 * s_p = dot16(q', k_p, head_dim) * scale; m = max s_p;
 * e_p = (float)exp_ref((double)(s_p - m)); inv = (float)(1 / sum16d(e));
 * w_p = e_p * inv (rounded to f16 under ROUND_P_F16); out[d] starts at +0 and
 * takes out[d] = fma(w_p, v_p[d], out[d]) in increasing p. */
typedef struct bitnet_kp_attention_args {
    uint32_t struct_size;
    const float *q;          /* n_tokens x n_heads x head_dim */
    const uint16_t *k_cache;
    const uint16_t *v_cache;
    float *out;              /* n_tokens x n_heads x head_dim */
    float *scratch;
    int64_t n_tokens;
    int64_t n_heads;
    int64_t n_kv_heads;
    int64_t head_dim;
    int64_t pos0;
    int64_t kv_stride;
    float scale;
    uint32_t flags;          /* BITNET_ATTN_* */
} bitnet_kp_attention_args;

/* Elementwise over i in [begin, end): ADD: out = a + b; RELU2_GATE:
 * out = (max(a, 0) * max(a, 0)) * b; SILU_GATE (since 1.4):
 * out = (a / (1 + e)) * b in float, e = (float)exp_ref(fmin(-(double)a, 89)),
 * the clamp making e = inf where a is very negative. out may alias a or b. */
typedef struct bitnet_kp_binary_args {
    uint32_t struct_size;
    const float *a;
    const float *b;
    float *out;
    int64_t n;
} bitnet_kp_binary_args;

/* For tokens t in [begin, end): out[t*k ..] = f16 row ids[t] of table, widened.
 * The host has checked every id against rows. */
typedef struct bitnet_kp_embed_args {
    uint32_t struct_size;
    const uint16_t *table;  /* rows x k f16 bits */
    const int32_t *ids;     /* n_tokens */
    float *out;             /* n_tokens x k */
    int64_t n_tokens;
    int64_t rows;
    int64_t k;
} bitnet_kp_embed_args;

/* y[t*ldy + r] = dot16(w_r, f16(x_t), k) for rows r in [begin, end) (see
 * "Reduction order"): the input is rounded to f16 first (as the reference does);
 * products of two halves are exact in float, so fma or multiply-then-add give
 * the same bits. */
typedef struct bitnet_kp_f16_matmul_args {
    uint32_t struct_size;
    const uint16_t *w;   /* rows x k f16 bits */
    const float *x;      /* n_tokens x k */
    float *y;
    int64_t n_tokens;
    int64_t rows;
    int64_t k;
    int64_t ldy;
} bitnet_kp_f16_matmul_args;

/* Since 1.1. An int8 weight [rows x k] with one float scale per row (the
 * opt-in int8 output head): for rows r in [begin, end) and tokens t,
 * y[t*ldy + r] = (float)dot(w_r, q_t) * w_scale[r] / act_scale[t], the dot exact
 * in int32. q and act_scale come from the QUANTIZE_I8 op; w_sum[r] = sum of w_r
 * serves kernels that offset q to unsigned. */
typedef struct bitnet_kp_q8_matmul_args {
    uint32_t struct_size;
    const int8_t *w;         /* rows x k */
    const float *w_scale;    /* rows */
    const int32_t *w_sum;    /* rows */
    const int8_t *q;         /* n_tokens x k */
    const float *act_scale;  /* n_tokens */
    float *y;
    int64_t n_tokens;
    int64_t rows;
    int64_t k;
    int64_t ldy;
} bitnet_kp_q8_matmul_args;

/* Since 1.6. A weight in one of llama.cpp's block types times an input the host
 * quantized per block (both layouts are ggml's, byte for byte):
 *  - Q8_0_MATMUL: w is rows x k/32 blocks of 34 bytes (f16 d, int8 q[32]); x is
 *    n_tokens x k/32 blocks of the same layout (ggml's quantize_row_q8_0_ref).
 *    Block b: s_b = the exact int32 dot of the two q[32]; p_b = d_w * d_x, both
 *    widened from f16 (the product is exact in float).
 *  - Q6_K_MATMUL: w is rows x k/256 blocks of 210 bytes: ql[128], qh[64], int8
 *    sc[16], f16 d; element e of a block is half h = e/128, l = e%32, quarter
 *    u = (e%128)/32, its low four bits the low nibble of ql[64h + l + 32(u%2)]
 *    (the high nibble when u >= 2) and its high two bits bits 2u..2u+1 of
 *    qh[32h + l], value v_e - 32. x is n_tokens x k/256 blocks of 292 bytes:
 *    float d, int8 q[256], int16 bsum[16] (bsum[j] the sum of q[16j..16j+15];
 *    ggml's quantize_row_q8_K_ref). s_b = sum over j < 16 of sc[j] times the dot
 *    of elements 16j..16j+15, exact in int32; p_b = (float)(d_w * d_x), d_w
 *    widened from f16, one rounding.
 * For rows r in [begin, end) and tokens t, y[t*ldy + r] = dot16(s, p, n_blocks)
 * (see "Reduction order") with s_b = (float)s_b rounded to nearest. */
typedef struct bitnet_kp_block_matmul_args {
    uint32_t struct_size;
    const uint8_t *w;    /* rows rows of k/block weight blocks, packed back to back */
    const uint8_t *x;    /* n_tokens rows of k/block input blocks */
    float *y;
    int64_t n_tokens;
    int64_t rows;
    int64_t k;           /* a multiple of the block size: 32 (Q8_0) or 256 (Q6_K) */
    int64_t ldy;
} bitnet_kp_block_matmul_args;

/* Since 1.6. F16 rows to the int8 rows Q8_MATMUL reads, for rows r in
 * [begin, end): each element widened exactly to float, a NaN taken as 0;
 * amax = the largest |element|; scale[r] = amax / 127 (one float division);
 * inv = 1 / scale[r] when scale[r] > 0, else 0; q = round_half_even(e * inv)
 * clamped to [-127, 127], a NaN product (inf * 0) giving 0; sum[r] = sum of q. */
typedef struct bitnet_kp_quantize_rows_args {
    uint32_t struct_size;
    const uint16_t *w; /* rows x k f16 bits */
    int8_t *q;         /* rows x k */
    float *scale;      /* rows */
    int32_t *sum;      /* rows */
    int64_t rows;
    int64_t k;
} bitnet_kp_quantize_rows_args;

/* Every kernel has this shape; args points to the struct the op names. */
typedef void (*bitnet_kp_kernel_fn)(const void *args, int64_t begin, int64_t end);

/* Optional repacking of an I2_S weight, done once at load by the host. */
typedef size_t (*bitnet_kp_packed_size_fn)(int64_t rows, int64_t k);
typedef bitnet_kp_status (*bitnet_kp_pack_fn)(const bitnet_kp_i2s_weights *w, void *dst,
                                              size_t dst_size);

typedef struct bitnet_kp_kernel {
    uint32_t struct_size;
    const char *id;            /* "<plugin>.<op>.<types>.<isa>", [a-z0-9_.-], <= 128 chars */
    uint32_t op;               /* bitnet_kp_op */
    uint32_t priority;         /* higher wins among kernels of one plugin for one op */
    uint64_t required_features;
    bitnet_kp_kernel_fn run;
    bitnet_kp_packed_size_fn packed_size; /* optional: NULL = reads the file layout */
    bitnet_kp_pack_fn pack;               /* optional: non-NULL iff packed_size is */
} bitnet_kp_kernel;

typedef struct bitnet_kp_plugin {
    uint32_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;
    const char *name;        /* [a-z0-9_-], e.g. "cpu-avx2" */
    const char *version;
    const char *vendor;
    uint64_t required_features;
    /* 0 = cannot run here; otherwise higher is better. Must run no instruction
     * the host does not have. */
    uint32_t (*score)(const bitnet_kp_host *host);
    uint32_t n_kernels;
    /* n_kernels entries laid out kernels[0].struct_size bytes apart, every entry
     * with that same struct_size, so later minors can grow the kernel struct. */
    const bitnet_kp_kernel *kernels;
} bitnet_kp_plugin;

/* The one exported symbol. On BITNET_KP_OK, *out points to static data. */
typedef bitnet_kp_status (*bitnet_kp_entry_fn)(const bitnet_kp_host *host,
                                               const bitnet_kp_plugin **out);

/* The checks every entry point makes, for plugins to return from theirs:
 * BITNET_KP_ERR_INVALID for a NULL argument or a host struct too short to hold
 * its ABI version, BITNET_KP_ERR_ABI for another ABI major, else *out = plugin.
 * Plain C with no ISA-specific code, so an entry file built without ISA flags
 * may use it. */
static inline bitnet_kp_status bitnet_kp_offer_plugin(const bitnet_kp_host *host, const bitnet_kp_plugin **out,
                                                      const bitnet_kp_plugin *plugin) {
    if (host == NULL || out == NULL ||
        host->struct_size < offsetof(bitnet_kp_host, abi_minor) + sizeof(host->abi_minor))
        return BITNET_KP_ERR_INVALID;
    if (host->abi_major != BITNET_KP_ABI_MAJOR) return BITNET_KP_ERR_ABI;
    *out = plugin;
    return BITNET_KP_OK;
}

#ifdef __cplusplus
}
#endif

#endif /* BITNET_KERNEL_PLUGIN_H */
