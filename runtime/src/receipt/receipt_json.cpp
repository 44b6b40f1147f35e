// SPDX-License-Identifier: MIT
// Receipt struct -> JSON value. Key names and nesting follow
// schemas/receipt-v1.schema.json; change both together.
#include "bitnet/receipt.hpp"

#include "bitnet/sha256.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cstdlib>

namespace bitnet::receipt {
namespace json = boost::json;
namespace {

// 0.8f as 0.8 rather than 0.800000011920929: the shortest decimal that reads back
// as the same float, so the receipt shows the setting the user typed.
double float_as_written(float f) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf - 1, f);
    *res.ptr = '\0';
    return std::strtod(buf, nullptr);
}

json::array string_array(const std::vector<std::string>& items) {
    json::array out;
    for (const auto& s : items) out.emplace_back(s);
    return out;
}

json::object machine_json(const MachineInfo& m) {
    return {{"cpu_brand", m.cpu_brand},
            {"arch", m.arch},
            {"features_detected", string_array(m.features_detected)},
            {"features_enabled", string_array(m.features_enabled)},
            {"cores", m.cores},
            {"os", m.os}};
}

json::object model_json(const ModelInfo& m) {
    json::object types;
    for (const auto& t : m.tensor_types) types[t.type] = t.count;
    const ModelShape& s = m.shape;
    return {{"path", m.path},
            {"size_bytes", m.size_bytes},
            {"sha256", m.sha256},
            {"architecture", m.architecture},
            {"shape", {{"vocab_size", s.vocab_size},
                       {"context_length", s.context_length},
                       {"embedding_length", s.embedding_length},
                       {"feed_forward_length", s.feed_forward_length},
                       {"block_count", s.block_count},
                       {"head_count", s.head_count},
                       {"head_count_kv", s.head_count_kv},
                       {"rope_freq_base", s.rope_freq_base},
                       {"rms_norm_eps", s.rms_norm_eps}}},
            {"tensor_count", m.tensor_count},
            {"tensor_types", std::move(types)},
            {"weights_source", m.weights_source},
            {"bytes_packed", m.bytes_packed},
            {"bytes_copied", m.bytes_copied}};
}

json::object backend_json(const BackendInfo& b) {
    json::array candidates;
    for (const auto& c : b.candidates) {
        json::value rejected = nullptr;
        if (!c.rejected.empty()) rejected = c.rejected;
        json::value sha256 = nullptr;
        if (!c.sha256.empty()) sha256 = c.sha256;
        candidates.push_back(json::object{{"plugin", c.plugin},
                                          {"path", c.path},
                                          {"score", c.score},
                                          {"rejected", std::move(rejected)},
                                          {"sha256", std::move(sha256)}});
    }
    json::array selected;
    for (const auto& s : b.selected) selected.push_back(json::object{{"op", s.op}, {"kernel", s.kernel_id}});
    return {{"requested", b.requested}, {"candidates", std::move(candidates)}, {"selected", std::move(selected)}};
}

json::object settings_json(const RunSettings& r) {
    const sampling::SamplingParams& p = r.sampling;
    json::object o{{"threads", r.threads},
            {"n_predict", r.n_predict},
            {"ignore_eos", r.ignore_eos},
            {"head_precision", r.head_precision},
            {"sampling", {{"temperature", float_as_written(p.temperature)},
                          {"top_k", p.top_k},
                          {"top_p", float_as_written(p.top_p)},
                          {"min_p", float_as_written(p.min_p)},
                          {"repeat_penalty", float_as_written(p.repeat_penalty)},
                          {"repeat_last_n", p.repeat_last_n},
                          {"seed", p.seed}}}};
    // Written only when set, so receipts of runs without them read as before.
    auto& sampling = o["sampling"].as_object();
    if (p.frequency_penalty != 0.0f) sampling["frequency_penalty"] = float_as_written(p.frequency_penalty);
    if (p.presence_penalty != 0.0f) sampling["presence_penalty"] = float_as_written(p.presence_penalty);
    if (r.context_size > 0) o["context_size"] = r.context_size;
    return o;
}

json::object tokens_json(const TokenCounts& t) {
    json::array ids;
    for (const int32_t id : t.generated_ids) ids.emplace_back(id);
    return {{"prompt", t.prompt},
            {"generated", t.generated},
            {"generated_ids", std::move(ids)},
            {"generated_ids_sha256", token_ids_sha256(t.generated_ids)}};
}

}  // namespace

std::string token_ids_sha256(std::span<const int32_t> ids) {
    std::string bytes;
    bytes.reserve(ids.size() * 4);
    for (const int32_t id : ids) {
        const auto u = static_cast<uint32_t>(id);
        for (int shift = 0; shift < 32; shift += 8) bytes.push_back(static_cast<char>((u >> shift) & 0xff));
    }
    return util::sha256_hex(bytes);
}

json::value receipt_to_json(const Receipt& r) {
    json::array kernels;
    for (const auto& k : r.kernels)
        kernels.push_back(json::object{{"id", k.id}, {"calls", k.calls}, {"total_ns", k.total_ns}});
    const Performance& p = r.performance;
    return json::object{
        {"schema_version", kSchemaVersion},
        {"compute_path", r.compute_path},
        {"timestamp", r.timestamp},
        {"runtime", {{"version", r.runtime.version}, {"git_commit", r.runtime.git_commit}}},
        {"machine", machine_json(r.machine)},
        {"model", model_json(r.model)},
        {"backend", backend_json(r.backend)},
        {"kernels", std::move(kernels)},
        {"settings", settings_json(r.settings)},
        {"tokens", tokens_json(r.tokens)},
        {"performance", {{"load_ms", p.load_ms},
                         {"prefill_tok_per_s", p.prefill_tok_per_s},
                         {"decode_tok_per_s", p.decode_tok_per_s},
                         {"ttft_ms", p.ttft_ms},
                         {"peak_rss_bytes", p.peak_rss_bytes}}},
    };
}

}  // namespace bitnet::receipt
