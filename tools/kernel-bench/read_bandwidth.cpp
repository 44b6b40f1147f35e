// SPDX-License-Identifier: MIT
// Memory read bandwidth probe: XOR-reduce a filled buffer with bitnet-bench's
// widest read loop, split over the thread pool like a kernel. It is the ceiling a
// bandwidth-bound GEMV can approach, measured in the same run.
#include <benchmark/benchmark.h>
#include <bitnet/kernel_plugin.h>
#include <bitnet/cpu_features.hpp>
#include <bitnet/thread_pool.hpp>

#include <atomic>
#include <cstring>
#include <string>

#include "bandwidth_read.hpp"
#include "bench_buffers.hpp"
#include "matmul_benchmarks.hpp"

namespace bitnet::bench {
namespace {

constexpr int64_t kLine = 256;  // the pool splits the buffer in these units

void read_bandwidth(benchmark::State& state, unsigned threads) {
    const auto bytes = static_cast<size_t>(state.range(0)) << 20;
    const FilledBuffer buffer(bytes, 42);
    // The read loop bitnet-bench's probe uses, so both tools quote one ceiling.
    const ReadLoop loop = widest_read_loop(kernels::detect_cpu().usable);
    ThreadPool tp(threads);
    const int64_t lines = static_cast<int64_t>(bytes) / kLine;
    std::atomic<uint64_t> sink{0};
    for (auto _ : state) {
        tp.parallel_for(lines, 64, [&](int64_t b, int64_t e) {
            const std::byte* p = buffer.data() + b * kLine;
            sink ^= loop.fn(reinterpret_cast<const uint8_t*>(p), static_cast<size_t>((e - b) * kLine));
        });
    }
    benchmark::DoNotOptimize(sink.load());
    state.counters["bytes"] =
        benchmark::Counter(static_cast<double>(bytes) * static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
    state.SetLabel(std::string(loop.name) + " loads, 4 streams per thread");
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
