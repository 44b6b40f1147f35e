// The opt-in int8 output head (--head-precision q8): the tied F16 embedding
// quantized once at load, cutting the head's bytes per decode token in half.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "bitnet/f16.hpp"
#include "bitnet/model.hpp"

namespace bitnet::model {
namespace {

// Every half widened once (256 KiB): a 2B-4T head has 328 M of them, and a call
// per element made this step take most of a --head-precision q8 load.
const std::vector<float>& widened_halves() {
    static const std::vector<float> table = [] {
        std::vector<float> t(size_t{1} << 16);
        for (size_t h = 0; h < t.size(); ++h) t[h] = f16_to_f32(static_cast<uint16_t>(h));
        return t;
    }();
    return table;
}

// nearbyint for |v| < 2^22 in the default rounding mode (ties to even): adding
// 1.5 * 2^23 leaves no fraction bits, so the sum is rounded exactly as nearbyint
// rounds. Plain float adds, so the loop vectorizes on the baseline ISA where
// nearbyint is a library call. NaN stays NaN.
inline float round_even_small(float v) {
    constexpr float kMagic = 12582912.0f;  // 1.5 * 2^23
    return (v + kMagic) - kMagic;
}

}  // namespace

void Model::prepare_head_q8(ThreadPool& pool) {
    if (has_head_q8()) return;
    const int64_t rows = config_.n_vocab, k = config_.n_embd;
    head_q8_.resize(static_cast<size_t>(rows * k));
    head_q8_scale_.resize(static_cast<size_t>(rows));
    head_q8_sum_.resize(static_cast<size_t>(rows));
    const uint16_t* src = output_;
    const float* widen = widened_halves().data();
    pool.parallel_for(rows, 64, [&](int64_t begin, int64_t end) {
        std::vector<float> row(static_cast<size_t>(k));
        for (int64_t r = begin; r < end; ++r) {
            float amax = 0.0f;
            for (int64_t i = 0; i < k; ++i) {
                row[i] = widen[src[r * k + i]];
                amax = std::max(amax, std::fabs(row[i]));
            }
            const float scale = amax / 127.0f;
            const float inv = scale > 0.0f ? 1.0f / scale : 0.0f;
            int8_t* dst = head_q8_.data() + r * k;
            int32_t sum = 0;
            for (int64_t i = 0; i < k; ++i) {
                // |row * inv| <= 127 up to rounding, far inside round_even_small's range.
                float v = round_even_small(row[i] * inv);
                dst[i] = static_cast<int8_t>(std::clamp(v, -127.0f, 127.0f));
                sum += dst[i];
            }
            head_q8_scale_[r] = scale;
            head_q8_sum_[r] = sum;
        }
    });
    // The F16 head is not streamed again; drop its pages from our RSS. A tied
    // table still serves embedding lookups, which fault back the few rows a
    // token needs from the page cache.
    const auto& t = file_->tensor(output_ == token_embd_ ? "token_embd.weight" : "output.weight");
    const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    auto first = (reinterpret_cast<uintptr_t>(t.data) + page - 1) / page * page;
    auto last = (reinterpret_cast<uintptr_t>(t.data) + t.n_bytes) / page * page;
    if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
}

}  // namespace bitnet::model
