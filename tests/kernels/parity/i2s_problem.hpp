// SPDX-License-Identifier: MIT
// A ternary matmul problem (I2_S weights, int8 activations) and how to run a
// kernel on it: shared by the parity cases and the oracle tests.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data_gen.hpp"

namespace bitnet::parity {

struct I2sProblem {
    int64_t rows = 0;
    int64_t k = 0;
    int64_t n_tokens = 0;
    float wscale = 0.0f;
    std::vector<uint8_t> codes;  // rows x k, 0..3
    std::vector<int8_t> q;       // n_tokens x k
    std::vector<float> act_scale;
    std::vector<int32_t> act_sum;

    // The packed tensor as a file maps it: 32-byte aligned but not 64-byte
    // aligned (GGUF promises only general.alignment = 32), followed by the
    // f32 scale and 28 bytes of non-zero padding.
    const uint8_t* data() const { return storage_.data() + offset_; }
    void set_packed(const std::vector<uint8_t>& packed);

private:
    std::vector<uint8_t> storage_;
    size_t offset_ = 0;
};

I2sProblem make_i2s_problem(Rng& rng, int64_t rows, int64_t k, int64_t n_tokens, Codes codes,
                            Acts acts, float wscale);

// Runs `kernel` over `chunks` of the output rows (packing first if the kernel
// asks to) and returns y as n_tokens x rows. Sets *error when the pack fails
// or the kernel writes outside its output rows.
std::vector<float> run_i2s(const bitnet_kp_kernel& kernel, const I2sProblem& p,
                           const std::vector<Range>& chunks, std::string* error);

}  // namespace bitnet::parity
