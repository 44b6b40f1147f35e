// SPDX-License-Identifier: MIT
// Compiled with baseline flags: the wide loops get their ISA from target
// attributes, so nothing here runs an instruction the CPU lacks unless
// widest_read_loop chose it.
#include "bandwidth_read.hpp"

#include <bitnet/kernel_plugin.h>

namespace bitnet::bench {
namespace {

typedef uint64_t Vec16 __attribute__((vector_size(16), may_alias));
typedef uint64_t Vec32 __attribute__((vector_size(32), may_alias));
typedef uint64_t Vec64 __attribute__((vector_size(64), may_alias));

// Four far-apart sequential streams, one accumulator each: one thread keeps
// more reads in flight that way than with one stream (~13 against ~9.5 GB/s on
// this project's Xeon), and the GEMV kernels read their rows the same way, so
// the probe is the ceiling they can actually approach.
template <class Vec>
[[gnu::always_inline]] inline uint64_t xor_fold(const uint8_t* data, size_t bytes) {
    constexpr size_t kBytes = sizeof(Vec);
    const Vec* v = reinterpret_cast<const Vec*>(data);
    const size_t n = bytes / kBytes;
    const size_t span = n / 4;
    const Vec* s1 = v + span;
    const Vec* s2 = v + 2 * span;
    const Vec* s3 = v + 3 * span;
    Vec a0{}, a1{}, a2{}, a3{};
    for (size_t i = 0; i < span; ++i) {
        a0 ^= v[i];
        a1 ^= s1[i];
        a2 ^= s2[i];
        a3 ^= s3[i];
    }
    for (size_t i = 4 * span; i < n; ++i) a0 ^= v[i];
    const Vec a = a0 ^ a1 ^ a2 ^ a3;
    uint64_t r = 0;
    for (size_t j = 0; j < kBytes / 8; ++j) r ^= a[j];
    return r;
}

// 128-bit vectors exist on every target this project builds for (SSE2, NEON).
uint64_t read_128(const uint8_t* data, size_t bytes) { return xor_fold<Vec16>(data, bytes); }

#if defined(__x86_64__)
[[gnu::target("avx2")]] uint64_t read_avx2(const uint8_t* data, size_t bytes) { return xor_fold<Vec32>(data, bytes); }
[[gnu::target("avx512f")]] uint64_t read_avx512(const uint8_t* data, size_t bytes) {
    return xor_fold<Vec64>(data, bytes);
}
#endif

}  // namespace

ReadLoop widest_read_loop(uint64_t cpu_features) {
#if defined(__x86_64__)
    if (cpu_features & BITNET_CPU_AVX512F) return {"avx512", read_avx512, 64};
    if (cpu_features & BITNET_CPU_AVX2) return {"avx2", read_avx2, 32};
#else
    (void)cpu_features;
#endif
    return {"128-bit", read_128, 16};
}

}  // namespace bitnet::bench
