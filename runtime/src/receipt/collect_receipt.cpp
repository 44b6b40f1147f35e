// SPDX-License-Identifier: MIT
#include <exception>
#include <map>
#include <sstream>

#include "bitnet/run_receipt.hpp"
#include "bitnet/sha256.hpp"
#include "build_info.hpp"

namespace bitnet {
namespace {

std::vector<std::string> split_words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

receipt::ModelInfo model_info(const model::Model& m) {
    receipt::ModelInfo info;
    const auto& f = m.file();
    const auto& c = m.config();
    info.path = f.path();
    info.size_bytes = f.file_size();
    info.sha256 = util::sha256_file_hex(f.path());
    info.architecture = c.architecture;
    info.shape = {c.n_vocab, c.n_ctx_train, c.n_embd, c.n_ff, c.n_layer, c.n_head, c.n_head_kv, c.rope_freq_base,
                  c.norm_eps};
    std::map<std::string, int64_t> types;
    for (const auto& t : f.tensors()) ++types[gguf::ggml_type_name(static_cast<uint32_t>(t.type))];
    info.tensor_count = static_cast<int64_t>(f.tensors().size());
    for (const auto& [type, n] : types) info.tensor_types.push_back({type, n});
    info.bytes_packed = m.packed_bytes();
    info.bytes_copied = m.copied_bytes();
    info.weights_source = info.bytes_copied ? "copied" : info.bytes_packed ? "packed" : "mapped";
    return info;
}

}  // namespace

receipt::Receipt collect_receipt(Engine& engine, const GenerateOptions& options, const GenerateResult& result) {
    receipt::Receipt r;
    r.timestamp = receipt::utc_timestamp_now();
    r.runtime = {build::kVersion, build::kGitCommit};

    const auto& k = engine.kernels();
    r.machine.cpu_brand = k.cpu.brand;
    r.machine.arch = k.cpu.arch;
    r.machine.features_detected = split_words(kernels::feature_names(k.cpu.detected));
    r.machine.features_enabled = split_words(kernels::feature_names(k.features));
    r.machine.cores = k.cpu.cores;
    r.machine.os = receipt::os_description();

    r.model = model_info(engine.model());

    r.backend.requested = engine.options().backend;
    for (const auto& p : k.registry->plugins()) {
        // Which code ran: a usable plugin's file, by content. Hashed here rather
        // than at load so runs that write no receipt pay nothing for it.
        std::string hash;
        if (p.rejected.empty()) {
            try {
                hash = util::sha256_file_hex(p.path);
            } catch (const std::exception&) {
                hash.clear();  // gone or unreadable since it was loaded: null in the receipt
            }
        }
        r.backend.candidates.push_back({p.name, p.path, p.score, p.rejected, std::move(hash)});
    }
    const auto& sel = engine.dispatcher().selection();
    for (uint32_t op = 1; op <= BITNET_OP_COUNT; ++op)
        if (sel.per_op[op].kernel && (engine.used_ops() & kernels::op_bit(op)))
            r.backend.selected.push_back({kernels::op_name(op), sel.per_op[op].kernel->id});

    for (const auto& s : engine.dispatcher().stats()) r.kernels.push_back({s.id, s.calls, s.nanoseconds});

    r.settings.threads = static_cast<int32_t>(engine.pool().size());
    r.settings.n_predict = options.n_predict;
    r.settings.ignore_eos = options.ignore_eos;
    r.settings.sampling = options.sampling;
    r.settings.head_precision = engine.options().head_precision;

    r.tokens.prompt = static_cast<int64_t>(result.prompt_ids.size());
    r.tokens.generated = static_cast<int64_t>(result.generated.size());
    r.tokens.generated_ids = result.generated;

    auto& perf = r.performance;
    perf.load_ms = engine.load_ms();
    if (result.prefill_ms > 0) perf.prefill_tok_per_s = double(result.prompt_ids.size()) * 1000.0 / result.prefill_ms;
    if (result.decode_ms > 0 && result.generated.size() > 1)
        perf.decode_tok_per_s = double(result.generated.size() - 1) * 1000.0 / result.decode_ms;
    perf.ttft_ms = result.first_token_ms;
    perf.peak_rss_bytes = receipt::peak_rss_bytes();
    return r;
}

}  // namespace bitnet
