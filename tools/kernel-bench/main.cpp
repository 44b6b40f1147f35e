// SPDX-License-Identifier: MIT
// bitnet-kernel-bench: Google Benchmark over the plugins the runtime would load.
//   bitnet-kernel-bench [--threads=N] [Google Benchmark flags]
// Plugins come from the usual search path (BITNET_PLUGIN_PATH, the install
// directory, the build tree next to this executable). BITNET_BENCH_POOL_MB sets
// how many megabytes of weight copies are cycled (default 1024).
#include <benchmark/benchmark.h>
#include <bitnet/cpu_features.hpp>
#include <bitnet/kernel_registry.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "bench_buffers.hpp"
#include "matmul_benchmarks.hpp"

int main(int argc, char** argv) {
    try {
        unsigned threads = 1;
        std::vector<char*> args;
        for (int i = 0; i < argc; ++i) {
            if (std::strncmp(argv[i], "--threads=", 10) == 0) {
                threads = static_cast<unsigned>(std::strtoul(argv[i] + 10, nullptr, 10));
                if (threads == 0)
                    threads = 1;
            } else {
                args.push_back(argv[i]);
            }
        }
        int n_args = static_cast<int>(args.size());
        benchmark::Initialize(&n_args, args.data());

        const bitnet::kernels::CpuInfo cpu = bitnet::kernels::detect_cpu();
        bitnet::kernels::DiscoveryOptions options;
        options.cpu_features = cpu.usable;
        static const bitnet::kernels::Registry registry(options);  // plugins stay loaded

        benchmark::AddCustomContext("cpu", cpu.brand);
        benchmark::AddCustomContext("cpu_features", bitnet::kernels::feature_names(cpu.usable));
        benchmark::AddCustomContext("weight_pool_mib", std::to_string(bitnet::bench::pool_bytes() >> 20));
        for (const auto& p : registry.plugins()) {
            const std::string what =
                p.usable() ? "score " + std::to_string(p.score) : "rejected: " + p.rejected;
            benchmark::AddCustomContext("plugin " + (p.name.empty() ? p.path : p.name), what);
        }

        bitnet::bench::register_read_bandwidth(threads);
        bitnet::bench::register_matmul_benchmarks(registry, threads);
        benchmark::RunSpecifiedBenchmarks();
        benchmark::Shutdown();
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
