// SPDX-License-Identifier: MIT
#include <bitnet/kernel_plugin.h>

#include "bitnet/kernel_registry.hpp"

namespace bitnet::kernels {

std::string op_name(uint32_t op) {
    switch (op) {
        case BITNET_OP_I2S_GEMV: return "i2s_gemv";
        case BITNET_OP_I2S_GEMM: return "i2s_gemm";
        case BITNET_OP_QUANTIZE_I8: return "quantize_i8";
        case BITNET_OP_RMSNORM: return "rmsnorm";
        case BITNET_OP_ROPE_NEOX: return "rope_neox";
        case BITNET_OP_ATTENTION: return "attention";
        case BITNET_OP_RELU2_GATE: return "relu2_gate";
        case BITNET_OP_ADD: return "add";
        case BITNET_OP_EMBED_F16: return "embed_f16";
        case BITNET_OP_F16_MATMUL: return "f16_matmul";
        case BITNET_OP_Q8_MATMUL: return "q8_matmul";
        case BITNET_OP_I2S_GEMM_FEW: return "i2s_gemm_few";
        case BITNET_OP_ROPE_NORM: return "rope_norm";
        case BITNET_OP_SILU_GATE: return "silu_gate";
        case BITNET_OP_I2S_BLOCK_MATMUL: return "i2s_block_matmul";
        case BITNET_OP_Q8_0_MATMUL: return "q8_0_matmul";
        case BITNET_OP_Q6_K_MATMUL: return "q6_k_matmul";
        case BITNET_OP_QUANTIZE_ROWS_Q8: return "quantize_rows_q8";
        default: return "op " + std::to_string(op);
    }
}

}  // namespace bitnet::kernels
