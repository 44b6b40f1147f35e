// SPDX-License-Identifier: MIT
#include "op_specs.hpp"

#include <bitnet/kernel_plugin.h>

namespace bitnet::parity {

const std::vector<OpSpec>& op_specs() {
    static const std::vector<OpSpec> specs = {
        {BITNET_OP_I2S_GEMV, "i2s_gemv", make_i2s_gemv_cases},
        {BITNET_OP_I2S_GEMM, "i2s_gemm", make_i2s_gemm_cases},
        {BITNET_OP_QUANTIZE_I8, "quantize_i8", make_quantize_cases},
        {BITNET_OP_RMSNORM, "rmsnorm", make_rmsnorm_cases},
        {BITNET_OP_ROPE_NEOX, "rope_neox", make_rope_cases},
        {BITNET_OP_ATTENTION, "attention", make_attention_cases},
        {BITNET_OP_RELU2_GATE, "relu2_gate", make_relu2_gate_cases},
        {BITNET_OP_ADD, "add", make_add_cases},
        {BITNET_OP_EMBED_F16, "embed_f16", make_embed_cases},
        {BITNET_OP_F16_MATMUL, "f16_matmul", make_f16_matmul_cases},
        {BITNET_OP_Q8_MATMUL, "q8_matmul", make_q8_matmul_cases},
        {BITNET_OP_I2S_GEMM_FEW, "i2s_gemm_few", make_i2s_gemm_few_cases},
        {BITNET_OP_ROPE_NORM, "rope_norm", make_rope_norm_cases},
        {BITNET_OP_SILU_GATE, "silu_gate", make_silu_gate_cases},
        {BITNET_OP_I2S_BLOCK_MATMUL, "i2s_block_matmul", make_i2s_block_matmul_cases},
        {BITNET_OP_Q8_0_MATMUL, "q8_0_matmul", make_q8_0_matmul_cases},
        {BITNET_OP_Q6_K_MATMUL, "q6_k_matmul", make_q6_k_matmul_cases},
        {BITNET_OP_QUANTIZE_ROWS_Q8, "quantize_rows_q8", make_quantize_rows_q8_cases},
    };
    return specs;
}

const OpSpec* find_op_spec(uint32_t op) {
    for (const OpSpec& s : op_specs()) {
        if (s.op == op) return &s;
    }
    return nullptr;
}

}  // namespace bitnet::parity
