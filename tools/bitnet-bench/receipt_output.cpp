// SPDX-License-Identifier: MIT
#include "receipt_output.hpp"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>

namespace bitnet::bench {
namespace {

const char* environment_dir() {
    const char* dir = std::getenv("BITNET_RECEIPT_DIR");
    return dir && *dir ? dir : nullptr;
}

}  // namespace

bool receipt_dir_from_environment() { return environment_dir() != nullptr; }

void write_receipts(const receipt::Receipt& r, const std::string& path) {
    static std::atomic<int> counter{0};
    if (!path.empty()) receipt::write_receipt(r, path);
    if (const char* dir = environment_dir())
        receipt::write_receipt(r, std::string(dir) + "/bitnet-bench-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(counter++) + ".json");
}

}  // namespace bitnet::bench
