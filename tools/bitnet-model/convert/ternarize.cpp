// SPDX-License-Identifier: MIT
#include "convert/ternarize.hpp"

#include <algorithm>
#include <cmath>

namespace bitnet::model_tool {

float ternarize_absmean(const float* w, size_t n, int8_t* out) {
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(w[i]));
    const float scale = std::max(n ? static_cast<float>(sum / static_cast<double>(n)) : 0.0f, 1e-5f);
    for (size_t i = 0; i < n; ++i) {
        const float q = std::nearbyint(w[i] / scale);  // default rounding: ties to even
        out[i] = static_cast<int8_t>(std::clamp(q, -1.0f, 1.0f));
    }
    return scale;
}

}  // namespace bitnet::model_tool
