// SPDX-License-Identifier: MIT
// Dispatcher: runs the selected kernel of an op over the thread pool and counts
// what actually ran. The counts feed the receipt, so kernel IDs there come from
// real calls, never from a list.
#pragma once

#include <bitnet/kernel_plugin.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bitnet/kernel_registry.hpp"
#include "bitnet/thread_pool.hpp"

namespace bitnet::kernels {

struct KernelStats {
    std::string id;
    std::string plugin;
    uint32_t op{0};
    uint64_t calls{0};
    uint64_t nanoseconds{0};
};

class Dispatcher {
public:
    Dispatcher(const Selection& selection, ThreadPool& pool);

    // Splits [0, n) of the op's axis into chunks whose boundaries are multiples
    // of grain, and runs the op's kernel on each.
    void run(bitnet_kp_op op, const void* args, int64_t n, int64_t grain = 1);

    // Runs one op on several independent argument sets (e.g. the Q, K and V
    // projections of one input) in a single parallel region: the pool wakes
    // once instead of once per set. Counts one call per set.
    void run_group(bitnet_kp_op op, const void* const* args, const int64_t* n, size_t count, int64_t grain);

    const SelectedKernel& selected(bitnet_kp_op op) const { return selection_.per_op[op]; }
    const Selection& selection() const { return selection_; }
    ThreadPool& pool() { return pool_; }

    // Kernels that ran at least once, in op order.
    std::vector<KernelStats> stats() const;
    void reset_stats();

private:
    Selection selection_;
    ThreadPool& pool_;
    std::array<uint64_t, BITNET_OP_COUNT + 1> calls_{};
    std::array<uint64_t, BITNET_OP_COUNT + 1> nanoseconds_{};
};

}  // namespace bitnet::kernels
