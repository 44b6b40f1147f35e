// SPDX-License-Identifier: MIT
#include "workload.hpp"

#include <filesystem>

#include "bitnet/error.hpp"
#include "json_io.hpp"

namespace bitnet::bench {
namespace {

namespace json = boost::json;

constexpr int64_t kWorkloadVersion = 1;

void read_sampling(const json::object& o, const std::string& where, sampling::SamplingParams& s) {
    // Greedy unless the file says otherwise: a baseline must be reproducible.
    s.temperature = 0.0f;
    if (o.contains("temperature")) s.temperature = static_cast<float>(number_field(o, "temperature", where));
    if (o.contains("top_k")) s.top_k = static_cast<int32_t>(int_field(o, "top_k", where));
    if (o.contains("top_p")) s.top_p = static_cast<float>(number_field(o, "top_p", where));
    if (o.contains("min_p")) s.min_p = static_cast<float>(number_field(o, "min_p", where));
    if (o.contains("repeat_penalty")) s.repeat_penalty = static_cast<float>(number_field(o, "repeat_penalty", where));
    if (o.contains("repeat_last_n")) s.repeat_last_n = static_cast<int32_t>(int_field(o, "repeat_last_n", where));
    if (o.contains("seed")) {
        const int64_t seed = int_field(o, "seed", where);
        if (seed < 0) throw Error(where + ": sampling.seed must not be negative");
        s.seed = static_cast<uint64_t>(seed);
    }
}

}  // namespace

std::string Workload::model_file_name() const {
    std::string vocab_stem = model.vocab.empty() ? "synthvocab" : std::filesystem::path(model.vocab).stem().string();
    return "synth-" + model.preset + "-seed" + std::to_string(model.seed) + "-" + vocab_stem + ".gguf";
}

Workload read_workload(const std::string& path) {
    Workload w;
    w.path = path;
    w.document = read_json_file(path);
    if (!w.document.is_object()) throw Error(path + ": expected a JSON object");
    const auto& root = w.document.get_object();
    const std::string& where = path;
    if (int_field(root, "workload_version", where) != kWorkloadVersion)
        throw Error(path + ": workload_version must be " + std::to_string(kWorkloadVersion));
    w.name = string_field(root, "name", where);

    const auto& m = object_field(root, "model", where);
    const std::string mw = path + ": model";
    w.model.preset = string_field(m, "preset", mw);
    const int64_t seed = int_field(m, "seed", mw);
    if (seed < 0) throw Error(mw + ": seed must not be negative");
    w.model.seed = static_cast<uint64_t>(seed);
    if (m.contains("vocab")) {
        const std::filesystem::path vocab = string_field(m, "vocab", mw);
        w.model.vocab = (vocab.is_absolute() ? vocab : std::filesystem::path(path).parent_path() / vocab)
                            .lexically_normal()
                            .string();
    }
    if (m.contains("size_bytes")) w.model.size_bytes = static_cast<uint64_t>(int_field(m, "size_bytes", mw));
    if (m.contains("sha256")) w.model.sha256 = string_field(m, "sha256", mw);

    const auto& prompts = field(root, "prompts", where);
    if (!prompts.is_array() || prompts.get_array().empty()) throw Error(path + ": prompts must be a non-empty array");
    for (const auto& p : prompts.get_array()) {
        if (!p.is_object()) throw Error(path + ": every prompt must be an object {text, n_predict}");
        WorkloadPrompt wp;
        wp.text = string_field(p.get_object(), "text", path + ": prompt");
        wp.n_predict = static_cast<int32_t>(int_field(p.get_object(), "n_predict", path + ": prompt"));
        if (wp.n_predict < 2) throw Error(path + ": n_predict must be at least 2 (decode speed needs two tokens)");
        w.prompts.push_back(std::move(wp));
    }

    const auto& threads = field(root, "threads", where);
    if (!threads.is_array() || threads.get_array().empty()) throw Error(path + ": threads must be a non-empty array");
    for (const auto& t : threads.get_array()) {
        boost::json::error_code ec;
        const auto n = t.is_number() ? t.to_number<int64_t>(ec) : 0;
        if (!t.is_number() || ec || n < 1) throw Error(path + ": threads holds positive integers");
        w.threads.push_back(static_cast<unsigned>(n));
    }
    if (root.contains("head_precision")) w.head_precision = string_field(root, "head_precision", where);
    if (root.contains("sampling")) read_sampling(object_field(root, "sampling", where), path + ": sampling", w.sampling);
    else w.sampling.temperature = 0.0f;
    if (root.contains("ignore_eos")) {
        const auto& v = field(root, "ignore_eos", where);
        if (!v.is_bool()) throw Error(path + ": ignore_eos must be true or false");
        w.ignore_eos = v.get_bool();
    }
    if (root.contains("repetitions")) w.repetitions = static_cast<int>(int_field(root, "repetitions", where));
    if (w.repetitions < 1) throw Error(path + ": repetitions must be at least 1");
    if (root.contains("repetitions_per_backend"))
        for (const auto& kv : object_field(root, "repetitions_per_backend", where)) {
            if (!kv.value().is_int64() || kv.value().get_int64() < 1)
                throw Error(path + ": repetitions_per_backend." + std::string(kv.key()) + " must be at least 1");
            w.repetitions_per_backend[std::string(kv.key())] = static_cast<int>(kv.value().get_int64());
        }
    return w;
}

void apply_determinism(Workload& w, const Determinism& d) {
    if (d.deterministic) w.sampling.temperature = 0.0f;
    if (d.fixed_seed()) w.sampling.seed = d.seed_or(w.sampling.seed);
}

}  // namespace bitnet::bench
