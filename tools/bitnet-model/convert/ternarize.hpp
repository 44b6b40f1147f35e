// SPDX-License-Identifier: MIT
// The absmean rule BitNet b1.58 trains with: scale = mean |W| over the whole
// tensor (at least 1e-5), W_t = clamp(round(W / scale), -1, 1). The scale is
// what the I2_S tensor stores after its packed weights.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitnet::model_tool {

// Writes n ternary weights to out and returns the scale. The sum of |W| is
// accumulated in double, and round() is half-to-even as in PyTorch.
float ternarize_absmean(const float* w, size_t n, int8_t* out);

}  // namespace bitnet::model_tool
