// SPDX-License-Identifier: MIT
// IEEE 754 binary16 conversions in portable C++ (no F16C), so files written and
// read on any CPU agree bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bitnet {

// Rounds to nearest, ties to even. Overflow gives infinity, NaN stays NaN
// (quiet, sign and top payload bits kept), tiny values become subnormals or zero.
uint16_t f32_to_f16(float f);

// n values at once, as above; one call per row instead of one per value.
void f32_to_f16(const float* src, uint16_t* dst, size_t n);

// Exact: every half is representable as a float.
float f16_to_f32(uint16_t h);

}  // namespace bitnet
