// SPDX-License-Identifier: MIT
// Engine: the pieces a run needs, built in order from one set of options: CPU
// detection, ISA ceiling, plugin registry and kernel choice, thread pool, the
// mapped model with any packed weights, and its tokenizer.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "bitnet/cpu_features.hpp"
#include "bitnet/dispatch.hpp"
#include "bitnet/kernel_registry.hpp"
#include "bitnet/model.hpp"
#include "bitnet/thread_pool.hpp"
#include "bitnet/tokenizer.hpp"

namespace bitnet {

struct EngineOptions {
    std::string model_path;
    std::string backend{"auto"};
    std::vector<std::string> plugin_dirs;
    std::string max_cpu_isa;   // empty: BITNET_MAX_CPU_ISA, then no ceiling
    unsigned threads{0};       // 0: every core available
    bool use_environment{true};
    bool allow_insecure_plugin_dir{false};  // see DiscoveryOptions::allow_insecure
    tokenizer::TokenizerOptions tokenizer;
    std::string head_precision{"f16"};  // "f16" (the reference) or "q8" (int8, opt-in)
    bool use_mmap{true};  // false: weights read into huge-page memory at load (model::LoadOptions)
};

// Discovers plugins under options' ISA ceiling; does not load a model.
struct KernelSetup {
    kernels::CpuInfo cpu;
    std::string isa_ceiling;   // "" when none applies
    uint64_t features{0};      // usable features under the ceiling
    std::unique_ptr<kernels::Registry> registry;
};
KernelSetup discover_kernels(const EngineOptions& options);

// Human-readable --list-backends report: search path, every plugin with score or
// rejection reason, and the kernel chosen per op for the requested backend.
std::string describe_backends(const KernelSetup& setup, const std::string& backend);

class Engine {
public:
    // Throws bitnet::Error on a bad backend, model or tokenizer.
    explicit Engine(const EngineOptions& options);
    ~Engine();

    const EngineOptions& options() const { return options_; }
    const KernelSetup& kernels() const { return setup_; }
    kernels::Dispatcher& dispatcher() { return *dispatcher_; }
    const model::Model& model() const { return *model_; }
    const tokenizer::Tokenizer& tokenizer() const { return *tokenizer_; }
    ThreadPool& pool() { return *pool_; }
    double load_ms() const { return load_ms_; }
    // The ops this model's forward pass runs (kernels::op_bit set): what a
    // receipt lists as selected.
    uint64_t used_ops() const { return used_ops_; }

private:
    EngineOptions options_;
    KernelSetup setup_;
    std::unique_ptr<ThreadPool> pool_;
    std::unique_ptr<kernels::Dispatcher> dispatcher_;
    std::unique_ptr<model::Model> model_;
    std::unique_ptr<tokenizer::Tokenizer> tokenizer_;
    double load_ms_{0};
    uint64_t used_ops_{0};
};

}  // namespace bitnet
