// SPDX-License-Identifier: MIT
#include "bitnet/engine.hpp"

#include <cstdlib>
#include <sstream>

#include "bitnet/error.hpp"

namespace bitnet {

KernelSetup discover_kernels(const EngineOptions& options) {
    KernelSetup s;
    s.cpu = kernels::detect_cpu();
    s.isa_ceiling = options.max_cpu_isa;
    if (s.isa_ceiling.empty() && options.use_environment)
        if (const char* env = std::getenv("BITNET_MAX_CPU_ISA"); env && *env) s.isa_ceiling = env;
    s.features = s.cpu.usable;
    if (!s.isa_ceiling.empty()) s.features &= kernels::isa_ceiling_mask(s.isa_ceiling);
    kernels::DiscoveryOptions d;
    d.plugin_dirs = options.plugin_dirs;
    d.use_environment = options.use_environment;
    d.allow_insecure = options.allow_insecure_plugin_dir;
    d.cpu_features = s.features;
    s.registry = std::make_unique<kernels::Registry>(d);
    return s;
}

std::string describe_backends(const KernelSetup& s, const std::string& backend) {
    std::ostringstream out;
    out << "cpu: " << (s.cpu.brand.empty() ? s.cpu.arch : s.cpu.brand) << " (" << s.cpu.cores << " cores)\n";
    out << "features: " << kernels::feature_names(s.cpu.usable) << "\n";
    if (!s.isa_ceiling.empty())
        out << "isa ceiling: " << s.isa_ceiling << " -> " << kernels::feature_names(s.features) << "\n";
    out << "plugin search path:\n";
    for (const auto& d : s.registry->search_dirs()) out << "  " << d << "\n";
    for (const auto& n : s.registry->notes()) out << "note: " << n << "\n";
    out << "plugins:\n";
    if (s.registry->plugins().empty()) out << "  (none found)\n";
    for (const auto& p : s.registry->plugins()) {
        if (p.usable()) {
            out << "  " << p.name << " " << p.version << " (" << p.vendor << ") score " << p.score << ", "
                << p.kernels.size() << " kernels: " << p.path << "\n";
            for (const auto& k : p.skipped_kernels) out << "    skipped kernel " << k << "\n";
        } else {
            out << "  rejected: " << p.path << (p.name.empty() ? "" : " (" + p.name + ")") << ": " << p.rejected
                << "\n";
        }
    }
    try {
        auto sel = s.registry->select(backend);
        out << "kernels for --backend " << backend << ":\n";
        for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op)
            if (sel.per_op[op].kernel) out << "  " << kernels::op_name(op) << ": " << sel.per_op[op].kernel->id << "\n";
    } catch (const Error& e) {
        out << "no kernels for --backend " << backend << ": " << e.what() << "\n";
    }
    return out.str();
}

Engine::Engine(const EngineOptions& options) : options_(options) {
    auto start = std::chrono::steady_clock::now();
    setup_ = discover_kernels(options_);
    if (options_.head_precision != "f16" && options_.head_precision != "q8")
        throw Error("unknown head precision '" + options_.head_precision + "' (expected f16 or q8)");
    const bool q8 = options_.head_precision == "q8";
    const uint64_t required =
        kernels::kModelOps |
        (q8 ? kernels::op_bit(BITNET_OP_Q8_MATMUL) | kernels::op_bit(BITNET_OP_QUANTIZE_ROWS_Q8) : 0);
    auto selection = setup_.registry->select(options_.backend, required);
    unsigned threads = options_.threads ? options_.threads : setup_.cpu.cores;
    pool_ = std::make_unique<ThreadPool>(threads);
    dispatcher_ = std::make_unique<kernels::Dispatcher>(selection, *pool_);
    model::LoadOptions load;
    load.copy_weights = !options_.use_mmap;
    load.head_stays_mapped = q8;
    load.threads = std::max(threads, setup_.cpu.cores);  // reading is brief: every core helps
    model_ = std::make_unique<model::Model>(options_.model_path, load);
    const model::Architecture& arch = model_->config().arch();
    for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op)
        if ((arch.ops & kernels::op_bit(op)) && !dispatcher_->selected(static_cast<bitnet_kp_op>(op)).kernel)
            model_->file().fail("architecture " + std::string(arch.name) + " needs op " + kernels::op_name(op) +
                                ", which no plugin of --backend " + options_.backend + " offers");
    const bool block_scaled = !model_->first_block_scaled().empty();
    if (block_scaled && !dispatcher_->selected(BITNET_OP_I2S_BLOCK_MATMUL).kernel)
        model_->file().fail("tensor " + model_->first_block_scaled() +
                            " has a scale per block, which needs op i2s_block_matmul; no plugin of --backend " +
                            options_.backend + " offers it");
    const bitnet_kp_op head = model_->head_op();
    if (!dispatcher_->selected(head).kernel)
        model_->file().fail("tensor " + model_->head_source().name + " is " +
                            gguf::ggml_type_name(static_cast<uint32_t>(model_->head_source().type)) +
                            ", which needs op " + kernels::op_name(head) + "; no plugin of --backend " +
                            options_.backend + " offers it");
    // The head's op replaces F16_MATMUL among the ops that run when the head
    // runs in its own block type.
    const uint64_t head_ops = model_->head_in_blocks()
                                  ? (required & ~kernels::op_bit(BITNET_OP_F16_MATMUL)) | kernels::op_bit(head)
                                  : required;
    used_ops_ = head_ops | arch.ops | (block_scaled ? kernels::op_bit(BITNET_OP_I2S_BLOCK_MATMUL) : 0) |
                (dispatcher_->selected(BITNET_OP_I2S_GEMM_FEW).kernel ? kernels::op_bit(BITNET_OP_I2S_GEMM_FEW) : 0);
    model_->prepare_weights(*dispatcher_);
    if (q8) model_->prepare_head_q8(*dispatcher_);
    tokenizer_ = tokenizer::load_tokenizer(model_->file(), options_.tokenizer);
    if (tokenizer_->n_vocab() > model_->config().n_vocab)
        model_->file().fail("tokenizer has " + std::to_string(tokenizer_->n_vocab()) + " tokens but the model " +
                            std::to_string(model_->config().n_vocab));
    load_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

Engine::~Engine() = default;

}  // namespace bitnet
