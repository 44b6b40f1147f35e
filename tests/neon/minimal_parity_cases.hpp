// The cases of the minimal parity driver: for the ops the SIMD plugins
// accelerate, seeded inputs in awkward shapes, run through a candidate kernel
// (split in two row ranges) and the cpu-scalar kernel, compared bitwise where the
// header makes results exact and within a stated bound where it does not.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <string>

namespace bitnet::neon_test {

struct CaseResult {
    int cases = 0;
    std::string failure;  // the first case that differed, or empty
};

// cases == 0 when the op has no cases here.
CaseResult run_op_cases(uint32_t op, const bitnet_kp_kernel& reference, const bitnet_kp_kernel& candidate);

}  // namespace bitnet::neon_test
