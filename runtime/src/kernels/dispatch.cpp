#include "bitnet/dispatch.hpp"

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
