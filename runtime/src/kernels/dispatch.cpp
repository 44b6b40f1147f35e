// SPDX-License-Identifier: MIT
#include "bitnet/dispatch.hpp"

#include <algorithm>
#include <chrono>

#include "bitnet/error.hpp"

namespace bitnet::kernels {

Dispatcher::Dispatcher(const Selection& selection, ThreadPool& pool) : selection_(selection), pool_(pool) {}

void Dispatcher::run(bitnet_kp_op op, const void* args, int64_t n, int64_t grain) {
    const bitnet_kp_kernel* k = selection_.per_op[op].kernel;
    if (!k) throw Error("no kernel selected for op " + op_name(op));
    auto start = std::chrono::steady_clock::now();
    bitnet_kp_kernel_fn fn = k->run;
    pool_.parallel_for(n, grain, [fn, args](int64_t begin, int64_t end) { fn(args, begin, end); });
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    calls_[op] += 1;
    nanoseconds_[op] += static_cast<uint64_t>(ns.count());
}

void Dispatcher::run_group(bitnet_kp_op op, const void* const* args, const int64_t* n, size_t count, int64_t grain) {
    const bitnet_kp_kernel* k = selection_.per_op[op].kernel;
    if (!k) throw Error("no kernel selected for op " + op_name(op));
    grain = std::max<int64_t>(1, grain);
    // Blocks of grain rows, numbered across the sets in order; a chunk of blocks
    // maps back to one row range per set it touches.
    std::vector<int64_t> first_block(count + 1, 0);
    for (size_t i = 0; i < count; ++i) first_block[i + 1] = first_block[i] + (n[i] + grain - 1) / grain;
    auto start = std::chrono::steady_clock::now();
    bitnet_kp_kernel_fn fn = k->run;
    pool_.parallel_for(first_block[count], 1, [&](int64_t b0, int64_t b1) {
        for (size_t i = 0; i < count; ++i) {
            int64_t lo = std::max(b0, first_block[i]), hi = std::min(b1, first_block[i + 1]);
            if (lo >= hi) continue;
            int64_t begin = (lo - first_block[i]) * grain;
            int64_t end = std::min(n[i], (hi - first_block[i]) * grain);
            fn(args[i], begin, end);
        }
    });
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start);
    calls_[op] += count;
    nanoseconds_[op] += static_cast<uint64_t>(ns.count());
}

std::vector<KernelStats> Dispatcher::stats() const {
    std::vector<KernelStats> out;
    for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op) {
        if (!calls_[op]) continue;
        const auto& s = selection_.per_op[op];
        out.push_back({s.kernel->id, s.plugin->name, op, calls_[op], nanoseconds_[op]});
    }
    return out;
}

void Dispatcher::reset_stats() {
    calls_.fill(0);
    nanoseconds_.fill(0);
}

}  // namespace bitnet::kernels
