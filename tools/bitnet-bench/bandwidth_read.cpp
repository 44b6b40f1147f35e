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

// Four independent accumulators keep several loads in flight per iteration.
template <class Vec>
[[gnu::always_inline]] inline uint64_t xor_fold(const uint8_t* data, size_t bytes) {
    constexpr size_t kBytes = sizeof(Vec);
    const Vec* v = reinterpret_cast<const Vec*>(data);
    const size_t n = bytes / kBytes;
    Vec a0{}, a1{}, a2{}, a3{};
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a0 ^= v[i];
        a1 ^= v[i + 1];
        a2 ^= v[i + 2];
        a3 ^= v[i + 3];
    }
    for (; i < n; ++i) a0 ^= v[i];
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
