// SPDX-License-Identifier: MIT
// Each benchmark iteration runs a kernel over all rows of one weight copy (the
// next copy each iteration, see bench_buffers.hpp), split over the thread pool as
// the runtime would. Counters: weight bytes read per second, multiply-adds per
// second.
#include "matmul_benchmarks.hpp"

#include <benchmark/benchmark.h>
#include <bitnet/thread_pool.hpp>

#include <memory>
#include <string>
#include <vector>

#include "bench_buffers.hpp"
#include "bitnet/block_input.hpp"

namespace bitnet::bench {
namespace {

struct Shape {
    const char* name;
    int64_t rows;
    int64_t k;
};

// BitNet b1.58 2B-4T: attn_q/attn_output, attn_k/attn_v, ffn_gate/ffn_up,
// ffn_down; the tied output head is F16 (or int8 with --head-precision q8), and
// the same shape serves the heads in Q8_0 and Q6_K blocks of other files.
constexpr Shape kTernaryShapes[] = {
    {"2560x2560", 2560, 2560}, {"640x2560", 640, 2560}, {"6912x2560", 6912, 2560}, {"2560x6912", 2560, 6912}};
constexpr Shape kHeadShape = {"128256x2560", 128256, 2560};

// Rows per chunk handed to a thread: keeps every kernel's row tiles whole.
constexpr int64_t kGrain = 16;

ThreadPool& pool(unsigned threads) {
    static std::unique_ptr<ThreadPool> p;
    if (!p || p->size() != threads)
        p = std::make_unique<ThreadPool>(threads);
    return *p;
}

void set_counters(benchmark::State& state, double weight_bytes, double macs) {
    const auto iters = static_cast<double>(state.iterations());
    // Shown as e.g. "weight_bytes=26.1G/s": decimal giga, per second.
    state.counters["weight_bytes"] =
        benchmark::Counter(weight_bytes * iters, benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
    state.counters["MACs"] =
        benchmark::Counter(macs * iters, benchmark::Counter::kIsRate, benchmark::Counter::kIs1000);
}

// The timed loop every matmul shares: each iteration points the args at the
// next weight copy (set_weights) and runs the kernel over all rows on the pool.
template <class SetWeights>
void time_rows(benchmark::State& state, const bitnet_kp_kernel* kernel, const void* args, const WeightCopies& copies,
               Shape shape, int64_t tokens, unsigned threads, const float* y, SetWeights set_weights) {
    ThreadPool& tp = pool(threads);
    size_t i = 0;
    for (auto _ : state) {
        set_weights(copies.copy(i++));
        tp.parallel_for(shape.rows, kGrain, [&](int64_t b, int64_t e) { kernel->run(args, b, e); });
        benchmark::DoNotOptimize(y);
        benchmark::ClobberMemory();
    }
    set_counters(
        state, static_cast<double>(copies.bytes),
        static_cast<double>(shape.rows) * static_cast<double>(shape.k) * static_cast<double>(tokens));
}

void run_i2s(benchmark::State& state, const bitnet_kp_kernel* kernel, Shape shape, int64_t tokens,
             unsigned threads) {
    const WeightCopies& copies = weight_copies(WeightKind::kI2s, shape.rows, shape.k);
    const FilledBuffer q(static_cast<size_t>(tokens * shape.k), 17);
    std::vector<float> act_scale(static_cast<size_t>(tokens), 12.5f);
    std::vector<int32_t> act_sum(static_cast<size_t>(tokens));
    const auto* qs = reinterpret_cast<const int8_t*>(q.data());
    for (int64_t t = 0; t < tokens; ++t) {
        for (int64_t i = 0; i < shape.k; ++i)
            act_sum[t] += qs[t * shape.k + i];
    }
    std::vector<float> y(static_cast<size_t>(tokens * shape.rows));
    bitnet_kp_i2s_weights w{sizeof w, nullptr, nullptr, shape.rows, shape.k, 0.5f};
    bitnet_kp_i2s_matmul_args args{sizeof args,    &w,       qs,     act_scale.data(),
                                   act_sum.data(), y.data(), tokens, shape.rows};
    time_rows(state, kernel, &args, copies, shape, tokens, threads, y.data(),
              [&](const std::byte* copy) { w.data = reinterpret_cast<const uint8_t*>(copy); });
}

void run_f16(benchmark::State& state, const bitnet_kp_kernel* kernel, Shape shape, int64_t tokens,
             unsigned threads) {
    const WeightCopies& copies = weight_copies(WeightKind::kF16, shape.rows, shape.k);
    std::vector<float> x(static_cast<size_t>(tokens * shape.k));
    for (size_t j = 0; j < x.size(); ++j)
        x[j] = static_cast<float>(static_cast<int>(j % 97) - 48) / 32.0f;
    std::vector<float> y(static_cast<size_t>(tokens * shape.rows));
    bitnet_kp_f16_matmul_args args{sizeof args, nullptr,    x.data(), y.data(),
                                   tokens,      shape.rows, shape.k,  shape.rows};
    time_rows(state, kernel, &args, copies, shape, tokens, threads, y.data(),
              [&](const std::byte* copy) { args.w = reinterpret_cast<const uint16_t*>(copy); });
}

// The opt-in int8 head (ABI 1.1): per-row scales and sums as the runtime makes them.
void run_q8(benchmark::State& state, const bitnet_kp_kernel* kernel, Shape shape, int64_t tokens,
            unsigned threads) {
    const WeightCopies& copies = weight_copies(WeightKind::kI8, shape.rows, shape.k);
    const FilledBuffer q(static_cast<size_t>(tokens * shape.k), 23);
    std::vector<float> w_scale(static_cast<size_t>(shape.rows), 0.01f),
        act_scale(static_cast<size_t>(tokens), 12.5f);
    std::vector<int32_t> w_sum(static_cast<size_t>(shape.rows), 0);  // values do not affect timing
    std::vector<float> y(static_cast<size_t>(tokens * shape.rows));
    bitnet_kp_q8_matmul_args args{
        sizeof args,      nullptr,  w_scale.data(), w_sum.data(), reinterpret_cast<const int8_t*>(q.data()),
        act_scale.data(), y.data(), tokens,         shape.rows,   shape.k,
        shape.rows};
    time_rows(state, kernel, &args, copies, shape, tokens, threads, y.data(),
              [&](const std::byte* copy) { args.w = reinterpret_cast<const int8_t*>(copy); });
}

// A head in Q8_0 or Q6_K blocks (ABI 1.6): random bytes (the f16 scales too; any
// finite or not, the integer work and the float steps take the same time) against
// an input quantized by the runtime's own block quantizer.
void run_block(benchmark::State& state, const bitnet_kp_kernel* kernel, Shape shape, int64_t tokens,
               unsigned threads) {
    const bool q8_0 = kernel->op == BITNET_OP_Q8_0_MATMUL;
    const gguf::TensorType type = q8_0 ? gguf::TensorType::Q8_0 : gguf::TensorType::Q6_K;
    const WeightCopies& copies = weight_copies(q8_0 ? WeightKind::kQ8_0 : WeightKind::kQ6_K, shape.rows, shape.k);
    std::vector<float> x(static_cast<size_t>(shape.k));
    for (size_t j = 0; j < x.size(); ++j) x[j] = static_cast<float>(static_cast<int>(j % 97) - 48) / 32.0f;
    const uint64_t in_bytes = gguf::block_input_row_bytes(type, shape.k);
    std::vector<uint8_t> in(static_cast<size_t>(in_bytes * tokens));
    for (int64_t t = 0; t < tokens; ++t) gguf::quantize_block_input(type, x.data(), in.data() + t * in_bytes, shape.k);
    std::vector<float> y(static_cast<size_t>(tokens * shape.rows));
    bitnet_kp_block_matmul_args args{sizeof args, nullptr, in.data(), y.data(), tokens, shape.rows, shape.k, shape.rows};
    time_rows(state, kernel, &args, copies, shape, tokens, threads, y.data(),
              [&](const std::byte* copy) { args.w = reinterpret_cast<const uint8_t*>(copy); });
}

std::string bench_name(const bitnet_kp_kernel* k, const Shape& s, int64_t tokens, unsigned threads) {
    return std::string(k->id) + "/" + s.name + "/tokens:" + std::to_string(tokens) +
           "/threads:" + std::to_string(threads);
}

}  // namespace

void register_matmul_benchmarks(const kernels::Registry& registry, unsigned threads) {
    // Shape-major order: all kernels of one shape share the cached weight copies.
    std::vector<const bitnet_kp_kernel*> runnable;
    for (const kernels::PluginInfo& p : registry.plugins()) {
        if (!p.usable())
            continue;
        for (const bitnet_kp_kernel* k : p.kernels) {
            if ((k->required_features & registry.cpu_features()) == k->required_features)
                runnable.push_back(k);
        }
    }
    for (const Shape& s : kTernaryShapes) {
        for (const bitnet_kp_kernel* k : runnable) {
            const bool gemv = k->op == BITNET_OP_I2S_GEMV;
            if (!gemv && k->op != BITNET_OP_I2S_GEMM)
                continue;
            // 4 tokens: a decode step of four batched sequences.
            for (int64_t tokens : {int64_t{1}, int64_t{4}, int64_t{128}}) {
                if (gemv && tokens != 1)
                    continue;  // GEMV is the one-token op
                benchmark::RegisterBenchmark(bench_name(k, s, tokens, threads).c_str(), run_i2s, k, s, tokens,
                                             threads)
                    ->UseRealTime()
                    ->Unit(benchmark::kMicrosecond);
            }
        }
    }
    for (const bitnet_kp_kernel* k : runnable) {
        if (k->op != BITNET_OP_F16_MATMUL && k->op != BITNET_OP_Q8_MATMUL && k->op != BITNET_OP_Q8_0_MATMUL &&
            k->op != BITNET_OP_Q6_K_MATMUL)
            continue;
        const auto run = k->op == BITNET_OP_F16_MATMUL ? run_f16 : k->op == BITNET_OP_Q8_MATMUL ? run_q8 : run_block;
        for (int64_t tokens : {int64_t{1}, int64_t{4}, int64_t{128}}) {
            benchmark::RegisterBenchmark(bench_name(k, kHeadShape, tokens, threads).c_str(), run, k,
                                         kHeadShape, tokens, threads)
                ->UseRealTime()
                ->Unit(benchmark::kMillisecond);
        }
    }
}

}  // namespace bitnet::bench
