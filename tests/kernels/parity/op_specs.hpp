// SPDX-License-Identifier: MIT
// The table that makes the parity suite generic: for every op of the C ABI, a
// name and a generator of cases (shapes, data, tolerance rule). A new plugin
// needs no change here; a new op needs one row.
#pragma once

#include <cstdint>
#include <vector>

#include "compare.hpp"

namespace bitnet::parity {

enum class Level {
    kQuick,  // fewer and smaller shapes: for emulators
    kFull,
};

struct OpSpec {
    uint32_t op;
    const char* name;
    std::vector<CasePtr> (*make_cases)(Level level, uint64_t seed);
};

const std::vector<OpSpec>& op_specs();
const OpSpec* find_op_spec(uint32_t op);

// Case generators, one per op (defined in cases_*.cpp).
std::vector<CasePtr> make_i2s_gemv_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_i2s_gemm_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_i2s_gemm_few_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_quantize_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_rmsnorm_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_rope_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_rope_norm_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_attention_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_relu2_gate_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_silu_gate_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_i2s_block_matmul_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_q8_0_matmul_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_q6_k_matmul_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_quantize_rows_q8_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_add_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_embed_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_f16_matmul_cases(Level level, uint64_t seed);
std::vector<CasePtr> make_q8_matmul_cases(Level level, uint64_t seed);

// Unit roundoff of binary32 and the classic bound gamma_n = n u / (1 - n u) on
// the relative error of an n-term float sum or dot product in any order.
constexpr double kU = 1.0 / 16777216.0;  // 2^-24
inline double gamma_n(double n) { return n * kU / (1.0 - n * kU); }

}  // namespace bitnet::parity
