// SPDX-License-Identifier: MIT
// One parity case and how its outputs are compared.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data_gen.hpp"

namespace bitnet::parity {

// Everything a kernel run produced, flattened: float outputs and integer
// outputs (int8 widened) in an order the case defines.
struct Outputs {
    std::vector<float> f;
    std::vector<int32_t> i;
    std::string error;  // non-empty when the run itself went wrong
};

// One concrete problem for one op: inputs, shapes, and the tolerance rule.
class Case {
public:
    virtual ~Case() = default;
    virtual std::string describe() const = 0;
    // Length of the op's split axis.
    virtual int64_t extent() const = 0;
    // Runs `kernel` chunk by chunk over `chunks`, on fresh copies of the inputs
    // and outputs surrounded by guard values that must survive.
    virtual Outputs run(const bitnet_kp_kernel& kernel, const std::vector<Range>& chunks) const = 0;
    // Allowed |got - ref| for each float output, given the reference's
    // outputs; empty means the floats must be bitwise identical. Integer
    // outputs are always compared exactly.
    virtual std::vector<float> tolerance(const Outputs& ref) const {
        (void)ref;
        return {};
    }
};

using CasePtr = std::unique_ptr<Case>;

// "" when `got` matches `ref` (bitwise, or within `tol` where given: NaN must
// meet NaN and an infinity the same infinity); otherwise a description of the
// first few differences and how many there were.
std::string compare_outputs(const Outputs& ref, const Outputs& got, const std::vector<float>& tol);

// A buffer with guard values on both sides; check() tells whether the kernel
// wrote outside the part it was given.
template <typename T>
class Guarded {
public:
    static constexpr size_t kGuard = 64;
    Guarded(size_t n, T fill, T guard)
        : data_(n + 2 * kGuard, guard), n_(n), guard_(guard) {
        std::fill(data_.begin() + kGuard, data_.begin() + static_cast<std::ptrdiff_t>(kGuard + n), fill);
    }
    template <typename It>
    Guarded(It first, It last, T guard) : Guarded(static_cast<size_t>(last - first), T{}, guard) {
        std::copy(first, last, data_.begin() + kGuard);
    }
    T* get() { return data_.data() + kGuard; }
    const T* get() const { return data_.data() + kGuard; }
    size_t size() const { return n_; }
    bool guards_intact() const {
        for (size_t i = 0; i < kGuard; ++i) {
            if (!same_bits(data_[i], guard_) || !same_bits(data_[kGuard + n_ + i], guard_)) return false;
        }
        return true;
    }

private:
    static bool same_bits(const T& a, const T& b) { return __builtin_memcmp(&a, &b, sizeof(T)) == 0; }
    std::vector<T> data_;
    size_t n_;
    T guard_;
};

// A NaN with a payload no kernel produces by computing.
float guard_nan();

// The n_tokens x rows outputs of a matmul written at stride ldy into y (filled
// with guard_nan()), appended to out; false when the kernel wrote anything else:
// a guard, or the gap between one token's rows and the next.
bool read_strided_rows(const Guarded<float>& y, int64_t n_tokens, int64_t rows, int64_t ldy, std::vector<float>& out);

}  // namespace bitnet::parity
