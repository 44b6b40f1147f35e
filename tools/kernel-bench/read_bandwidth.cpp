// Memory read bandwidth probe: XOR-reduce a filled buffer with the widest loads
// the CPU allows, split over the thread pool like a kernel. It is the ceiling a
// bandwidth-bound GEMV can approach, measured in the same run.
#include <benchmark/benchmark.h>
#include <bitnet/kernel_plugin.h>
#include <bitnet/cpu_features.hpp>
#include <bitnet/thread_pool.hpp>

#include <atomic>
#include <cstring>
#include <string>

// GCC 12.2 warns inside its own AVX-512 headers (bug 105593); silence it there only.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "bench_buffers.hpp"
#include "matmul_benchmarks.hpp"

namespace bitnet::bench {
namespace {

constexpr int64_t kLine = 256;  // bytes per loop step, four zmm loads

__attribute__((target("avx512f"))) uint64_t xor_read_avx512(const std::byte* p, int64_t lines) {
    __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
    for (int64_t i = 0; i < lines; ++i) {
        const std::byte* q = p + i * kLine;
        a0 = _mm512_xor_si512(a0, _mm512_load_si512(q));
        a1 = _mm512_xor_si512(a1, _mm512_load_si512(q + 64));
        a2 = _mm512_xor_si512(a2, _mm512_load_si512(q + 128));
        a3 = _mm512_xor_si512(a3, _mm512_load_si512(q + 192));
    }
    const __m512i a = _mm512_xor_si512(_mm512_xor_si512(a0, a1), _mm512_xor_si512(a2, a3));
    return static_cast<uint64_t>(_mm512_reduce_or_epi64(a));
}

uint64_t xor_read_generic(const std::byte* p, int64_t lines) {
    uint64_t acc[4] = {0, 0, 0, 0};
    for (int64_t i = 0; i < lines * kLine; i += 32) {
        for (int j = 0; j < 4; ++j) {
            uint64_t v;
            std::memcpy(&v, p + i + 8 * j, 8);
            acc[j] ^= v;
        }
    }
    return acc[0] ^ acc[1] ^ acc[2] ^ acc[3];
}

void read_bandwidth(benchmark::State& state, unsigned threads) {
    const auto bytes = static_cast<size_t>(state.range(0)) << 20;
    const FilledBuffer buffer(bytes, 42);
    const bool avx512 = (kernels::detect_cpu().usable & BITNET_CPU_AVX512F) != 0;
    ThreadPool tp(threads);
    const int64_t lines = static_cast<int64_t>(bytes) / kLine;
    std::atomic<uint64_t> sink{0};
    for (auto _ : state) {
        tp.parallel_for(lines, 64, [&](int64_t b, int64_t e) {
            const std::byte* p = buffer.data() + b * kLine;
            sink ^= avx512 ? xor_read_avx512(p, e - b) : xor_read_generic(p, e - b);
        });
    }
    benchmark::DoNotOptimize(sink.load());
    state.counters["bytes"] =
        benchmark::Counter(static_cast<double>(bytes) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
    state.SetLabel(avx512 ? "avx512 loads" : "generic loads");
}

}  // namespace

void register_read_bandwidth(unsigned threads) {
    // 1 GiB: far beyond any cache; 64 MiB: what cycling weight copies must beat.
    for (int64_t mb : {int64_t{1024}, int64_t{64}}) {
        benchmark::RegisterBenchmark(
            ("read_bandwidth/MiB:" + std::to_string(mb) + "/threads:" + std::to_string(threads)).c_str(),
            read_bandwidth, threads)
            ->Arg(mb)
            ->UseRealTime()
            ->Unit(benchmark::kMillisecond);
    }
}

}  // namespace bitnet::bench
