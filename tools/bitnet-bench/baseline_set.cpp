// SPDX-License-Identifier: MIT
#include "baseline_set.hpp"

#include <algorithm>
#include <filesystem>

#include "bitnet/error.hpp"
#include "bitnet/receipt_verify.hpp"
#include "json_io.hpp"

namespace bitnet::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

BaselineRun read_receipt(const std::string& path) {
    const auto violations = receipt::verify_receipt_file(path);
    if (!violations.empty()) {
        std::string msg = path + ": receipt fails verification:";
        for (const auto& v : violations) msg += "\n  rule " + v.rule + ": " + v.detail;
        throw Error(msg);
    }
    const json::value doc = read_json_file(path);
    // Verified against the schema above, so the fields exist with their types.
    const auto& o = doc.get_object();
    BaselineRun r;
    r.receipt_path = path;
    r.key = fs::path(path).stem().stem().string();  // "x.receipt.json" -> "x"
    const auto& backend = o.at("backend").get_object();
    r.backend = std::string(backend.at("requested").get_string());
    for (const auto& s : backend.at("selected").get_array())
        r.selected[std::string(s.at("op").get_string())] = std::string(s.at("kernel").get_string());
    r.threads = o.at("settings").at("threads").to_number<int64_t>();
    const auto& perf = o.at("performance").get_object();
    r.metrics.prefill_tok_per_s = perf.at("prefill_tok_per_s").to_number<double>();
    r.metrics.decode_tok_per_s = perf.at("decode_tok_per_s").to_number<double>();
    r.metrics.ttft_ms = perf.at("ttft_ms").to_number<double>();
    r.metrics.peak_rss_bytes = perf.at("peak_rss_bytes").to_number<double>();
    for (const auto& id : o.at("tokens").at("generated_ids").get_array())
        r.generated_ids.push_back(static_cast<int32_t>(id.to_number<int64_t>()));
    r.model_sha256 = std::string(o.at("model").at("sha256").get_string());
    r.model_size = o.at("model").at("size_bytes").to_number<uint64_t>();
    r.cpu_brand = std::string(o.at("machine").at("cpu_brand").get_string());
    r.git_commit = std::string(o.at("runtime").at("git_commit").get_string());
    r.timestamp = std::string(o.at("timestamp").get_string());
    return r;
}

std::vector<RunMetrics> read_repetitions(const json::object& record, const std::string& where) {
    std::vector<RunMetrics> reps;
    if (!record.contains("repetitions")) return reps;
    const auto& a = field(record, "repetitions", where);
    if (!a.is_array()) throw Error(where + ": record.repetitions must be an array");
    for (const auto& v : a.get_array()) {
        if (!v.is_object()) throw Error(where + ": every repetition must be an object");
        const auto& o = v.get_object();
        RunMetrics m;
        m.prefill_tok_per_s = number_field(o, "prefill_tok_per_s", where + ": repetition");
        m.decode_tok_per_s = number_field(o, "decode_tok_per_s", where + ": repetition");
        m.ttft_ms = number_field(o, "ttft_ms", where + ": repetition");
        if (o.contains("machine"))
            m.machine = read_pool_probe(object_field(o, "machine", where + ": repetition"),
                                        where + ": repetition.machine");
        reps.push_back(m);
    }
    return reps;
}

BaselineSet read_summary(const std::string& path, const json::object& root) {
    BaselineSet set;
    set.source = path;
    if (root.contains("cpu_class")) set.cpu_class = string_field(root, "cpu_class", path);
    const auto& runs = field(root, "runs", path);
    if (!runs.is_array()) throw Error(path + ": runs must be an array");
    const fs::path dir = fs::path(path).parent_path();
    for (const auto& v : runs.get_array()) {
        if (!v.is_object()) throw Error(path + ": every run must be an object");
        const auto& run = v.get_object();
        const fs::path receipt = string_field(run, "receipt", path + ": run");
        BaselineRun r = read_receipt((receipt.is_absolute() ? receipt : dir / receipt).string());
        r.key = string_field(run, "key", path + ": run");
        if (run.contains("prompt_index")) r.prompt_index = int_field(run, "prompt_index", path + ": run");
        const std::string where = path + ": run " + r.key;
        if (run.contains("record")) r.repetitions = read_repetitions(object_field(run, "record", where), where);
        r.probes = read_probes(run, where);
        set.runs.push_back(std::move(r));
    }
    return set;
}

}  // namespace

std::string run_key(const std::string& backend, int64_t threads, int64_t prompt_index, bool several_prompts) {
    return backend + "-t" + std::to_string(threads) + (several_prompts ? "-p" + std::to_string(prompt_index) : "");
}

BaselineSet load_baseline_set(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        const fs::path summary = fs::path(path) / "summary.json";
        if (fs::exists(summary)) return load_baseline_set(summary.string());
        std::vector<std::string> receipts;
        for (const auto& e : fs::directory_iterator(path)) {
            const std::string name = e.path().filename().string();
            if (name.size() > 13 && name.ends_with(".receipt.json")) receipts.push_back(e.path().string());
        }
        std::sort(receipts.begin(), receipts.end());
        if (receipts.empty()) throw Error(path + ": no summary.json and no *.receipt.json files");
        BaselineSet set;
        set.source = path;
        for (const auto& r : receipts) set.runs.push_back(read_receipt(r));
        return set;
    }
    const json::value doc = read_json_file(path);
    if (!doc.is_object()) throw Error(path + ": neither a baseline summary nor a receipt");
    if (doc.get_object().contains("summary_version")) return read_summary(path, doc.get_object());
    if (doc.get_object().contains("schema_version")) {
        BaselineSet set;
        set.source = path;
        set.runs.push_back(read_receipt(path));
        return set;
    }
    throw Error(path + ": neither a baseline summary (summary_version) nor a receipt (schema_version)");
}

}  // namespace bitnet::bench
