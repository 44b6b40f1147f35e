// SPDX-License-Identifier: MIT
#include "baseline_run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "baseline_set.hpp"
#include "baseline_worker.hpp"
#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/receipt.hpp"
#include "cpu_class.hpp"
#include "exit_codes.hpp"
#include "json_io.hpp"
#include "machine_probes.hpp"
#include "model_source.hpp"
#include "process_facts.hpp"
#include "spawn.hpp"
#include "text_table.hpp"
#include "workload.hpp"

namespace bitnet::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::vector<std::string> runnable_backends(const std::vector<std::string>& plugin_dirs) {
    EngineOptions eo;
    eo.plugin_dirs = plugin_dirs;
    const auto setup = discover_kernels(eo);
    std::vector<std::string> names;
    for (const auto& p : setup.registry->plugins())
        if (p.usable()) names.push_back(p.name);
    std::sort(names.begin(), names.end());
    names.push_back("auto");
    return names;
}

json::array triple(const std::array<double, 3>& v) { return {v[0], v[1], v[2]}; }

json::object sampling_json(const sampling::SamplingParams& s) {
    return {{"temperature", s.temperature}, {"top_k", s.top_k},
            {"top_p", s.top_p},             {"min_p", s.min_p},
            {"repeat_penalty", s.repeat_penalty}, {"repeat_last_n", s.repeat_last_n},
            {"seed", s.seed}};
}

}  // namespace

int run_baseline(const BaselineRunOptions& o) {
    Workload w = read_workload(o.workload);
    apply_determinism(w, determinism_from_environment());
    const CpuClass cpu = detect_cpu_class();
    const fs::path out = o.out_dir.empty() ? fs::path("baseline-" + cpu.name()) : fs::path(o.out_dir);
    fs::create_directories(out);
    const ModelSource model = resolve_model(w, o.model, o.model_dir);
    const auto backends = o.backends.empty() ? runnable_backends(o.plugin_dirs) : o.backends;
    const auto load_start = load_average();
    const std::string self = (fs::path(executable_dir()) / "bitnet-bench").string();

    json::array runs;
    std::vector<BaselineRun> loaded;
    for (const auto& backend : backends)
        for (unsigned threads : w.threads)
            for (size_t p = 0; p < w.prompts.size(); ++p) {
                const std::string key = run_key(backend, threads, static_cast<int64_t>(p), w.prompts.size() > 1);
                const fs::path receipt = out / (key + ".receipt.json");
                const fs::path record = out / (key + ".record.json.tmp");
                std::vector<std::string> args{"baseline", "run-one", "--workload", w.path, "--model", model.path,
                                              "--backend", backend, "--threads", std::to_string(threads),
                                              "--prompt", std::to_string(p), "--receipt", receipt.string(),
                                              "--record", record.string()};
                for (const auto& d : o.plugin_dirs) args.insert(args.end(), {"--plugin-dir", d});
                if (o.repetitions) args.insert(args.end(), {"--repetitions", std::to_string(*o.repetitions)});
                std::cerr << "bitnet-bench: baseline " << key << "\n";
                // The probes bracket the run, at its thread count, so they see
                // the machine state it saw; in this process, so the run's peak
                // RSS stays its own.
                MachineProbes probes;
                probes.threads = threads;
                probes.before = probe_machine(threads);
                if (const int rc = run_program(self, args); rc != 0)
                    throw Error("baseline run " + key + " failed (exit " + std::to_string(rc) + ")");
                probes.after = probe_machine(threads);
                BaselineRun r = load_baseline_set(receipt.string()).runs.front();  // verifies it
                r.key = key;
                r.prompt_index = static_cast<int64_t>(p);
                r.probes = probes;
                json::value rec = read_json_file(record.string());
                fs::remove(record);
                runs.push_back(json::object{{"key", key},
                                            {"backend", backend},
                                            {"threads", threads},
                                            {"prompt_index", p},
                                            {"receipt", receipt.filename().string()},
                                            {"probes", probes_json(probes)},
                                            {"record", std::move(rec)}});
                loaded.push_back(std::move(r));
            }

    // Every plugin, and auto, must produce the same ids for a prompt.
    bool identical = true;
    for (const auto& r : loaded)
        for (const auto& s : loaded)
            if (r.prompt_index == s.prompt_index && r.generated_ids != s.generated_ids) identical = false;

    json::object summary{
        {"summary_version", 3},
        {"created", receipt::utc_timestamp_now()},
        {"build_commit", build_commit()},
        {"cpu_class", cpu.name()},
        {"cpu", json::object{{"vendor", cpu.vendor}, {"family", cpu.family}, {"arch", cpu.arch},
                             {"tier", cpu.tier}, {"brand", cpu.brand}}},
        {"workload_file", w.path},
        {"workload", w.document},
        {"sampling_used", sampling_json(w.sampling)},
        {"model", json::object{{"path", model.path},
                               {"size_bytes", model.size_bytes},
                               {"sha256", loaded.empty() ? "" : loaded.front().model_sha256}}},
        {"load_average_start", triple(load_start)},
        {"load_average_end", triple(load_average())},
        {"answers_identical", identical},
        {"runs", std::move(runs)}};
    write_json_file((out / "summary.json").string(), summary);

    TextTable t({"run", "prefill t/s", "decode t/s", "TTFT ms", "peak RSS MB", "read GB/s", "int8 GMAC/s/thread",
                 "generated ids"});
    for (const auto& r : loaded) {
        const auto first = std::find_if(loaded.begin(), loaded.end(),
                                        [&](const BaselineRun& s) { return s.prompt_index == r.prompt_index; });
        t.add_row({r.key, format("%.2f", r.metrics.prefill_tok_per_s), format("%.2f", r.metrics.decode_tok_per_s),
                   format("%.1f", r.metrics.ttft_ms), format("%.1f", r.metrics.peak_rss_bytes / 1e6),
                   format("%.2f", r.probes->bandwidth_gbs()),
                   format("%.2f", r.probes->compute_gmacs() / static_cast<double>(r.probes->threads)),
                   std::to_string(r.generated_ids.size()) +
                       (r.generated_ids == first->generated_ids ? " (same as " + first->key + ")"
                                                                : " (DIFFER from " + first->key + ")")});
    }
    std::cout << "baseline " << w.name << " on " << cpu.name() << " (" << cpu.brand << "), model " << model.path << "\n"
              << "wrote " << (out / "summary.json").string() << " and " << loaded.size() << " receipts\n\n";
    t.print_text(std::cout);
    if (!identical) {
        std::cout << "\nanswers differ between runs of the same prompt\n";
        return kExitAnswersChanged;
    }
    return kExitSame;
}

}  // namespace bitnet::bench
