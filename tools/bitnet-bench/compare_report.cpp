// SPDX-License-Identifier: MIT
#include "compare_report.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "bitnet/error.hpp"
#include "exit_codes.hpp"
#include "json_io.hpp"
#include "process_facts.hpp"
#include "spawn.hpp"
#include "text_table.hpp"

namespace bitnet::bench {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string value_text(const MetricChange& m, double v) {
    return m.name == "peak_rss_bytes" ? format("%.1f", v / 1e6) : format("%.2f", v);
}

std::string ids_text(const RunComparison& r) {
    if (r.ids_identical) return "identical (" + std::to_string(r.new_ids) + " ids)";
    return "CHANGED at id " + std::to_string(r.first_difference) + " (" + std::to_string(r.old_ids) + " -> " +
           std::to_string(r.new_ids) + " ids)";
}

std::string verdict(const Comparison& c) {
    switch (c.exit_code()) {
        case kExitSame: return "same (exit 0)";
        case kExitRegression: return "REGRESSION (exit 2)";
        case kExitAnswersChanged: return "ANSWERS CHANGED (exit 3)";
        default: return "REGRESSION and ANSWERS CHANGED (exit 4)";
    }
}

TextTable metric_table(const Comparison& c) {
    TextTable t({"run", "metric", "old", "new", "change", "per", "old norm", "new norm", "norm change", "spread o/n",
                 "threshold", "status"});
    for (const auto& r : c.runs) {
        for (const auto& m : r.metrics) {
            std::vector<std::string> row{r.key, m.label, value_text(m, m.old_value), value_text(m, m.new_value),
                                         format("%+.1f%%", m.change_pct)};
            if (m.normalized)
                row.insert(row.end(), {m.basis, format("%.4g", m.old_norm), format("%.4g", m.new_norm),
                                       format("%+.1f%%", m.norm_change_pct),
                                       format("%.1f/%.1f%%", m.old_spread_pct, m.new_spread_pct)});
            else
                row.insert(row.end(), {"raw", "", "", "", ""});
            row.insert(row.end(), {format("%.1f%%", m.threshold_pct), status_name(m.status)});
            t.add_row(row);
        }
        t.add_row({r.key, "answers", "", "", "", "", "", "", "", "", "", ids_text(r)});
        for (const auto& k : r.kernels)
            t.add_row({r.key, "kernel " + k.op, k.old_kernel.empty() ? "(none)" : k.old_kernel,
                       k.new_kernel.empty() ? "(none)" : k.new_kernel, "", "", "", "", "", "", "", "changed"});
    }
    return t;
}

void print_notes(const Comparison& c, std::ostream& out, const char* bullet) {
    out << "\n";
    out << bullet << "answers across NEW runs of each prompt: " << (c.new_runs_agree ? "identical" : "DIFFER") << "\n";
    for (const auto& k : c.only_in_old) out << bullet << "only in OLD: " << k << "\n";
    for (const auto& k : c.only_in_new) out << bullet << "only in NEW: " << k << "\n";
    for (const auto& w : c.warnings) out << bullet << "warning: " << w << "\n";
    out << bullet << "result: " << verdict(c) << "\n";
}

fs::path plot_script() {
    if (const char* v = std::getenv("BITNET_BENCH_PLOT"); v && *v) return v;
    return fs::path(executable_dir()) / ".." / "share" / "bitnet" / "bitnet-bench-plot.py";
}

std::string python() {
    if (const char* v = std::getenv("BITNET_PYTHON"); v && *v) return v;
    if (::access("/usr/bin/python3", X_OK) == 0) return "/usr/bin/python3";
    return "python3";
}

}  // namespace

json::value comparison_json(const Comparison& c) {
    json::array runs;
    for (const auto& r : c.runs) {
        json::array metrics, kernels;
        for (const auto& m : r.metrics)
        {
            json::object o{{"metric", m.name},         {"label", m.label},
                           {"higher_is_better", m.higher_is_better},
                           {"old", m.old_value},        {"new", m.new_value},
                           {"change_pct", m.change_pct}, {"basis", m.basis},
                           {"normalized", m.normalized}, {"threshold_pct", m.threshold_pct},
                           {"status", status_name(m.status)}};
            if (m.normalized) {
                o["old_norm"] = m.old_norm;
                o["new_norm"] = m.new_norm;
                o["norm_change_pct"] = m.norm_change_pct;
                o["old_spread_pct"] = m.old_spread_pct;
                o["new_spread_pct"] = m.new_spread_pct;
            }
            metrics.push_back(std::move(o));
        }
        for (const auto& k : r.kernels)
            kernels.push_back(json::object{{"op", k.op}, {"old", k.old_kernel}, {"new", k.new_kernel}});
        json::object o{{"key", r.key},
                       {"metrics", std::move(metrics)},
                       {"kernels_changed", std::move(kernels)},
                       {"ids_identical", r.ids_identical},
                       {"old_ids", r.old_ids},
                       {"new_ids", r.new_ids}};
        if (!r.ids_identical) o["first_difference"] = r.first_difference;
        runs.push_back(std::move(o));
    }
    auto strings = [](const std::vector<std::string>& v) {
        json::array a;
        for (const auto& s : v) a.emplace_back(s);
        return a;
    };
    return json::object{{"old", c.old_source},
                        {"new", c.new_source},
                        {"thresholds", json::object{{"noise_pct", kNoisePct},
                                                    {"regression_pct", kRegressionPct},
                                                    {"floor_pct", kFloorPct},
                                                    {"spread_factor", kSpreadFactor},
                                                    {"ceiling_pct", kCeilingPct}}},
                        {"runs", std::move(runs)},
                        {"only_in_old", strings(c.only_in_old)},
                        {"only_in_new", strings(c.only_in_new)},
                        {"new_runs_agree", c.new_runs_agree},
                        {"warnings", strings(c.warnings)},
                        {"regression", c.regression},
                        {"answers_changed", c.answers_changed},
                        {"exit_code", c.exit_code()}};
}

void print_comparison(const Comparison& c, OutputFormat style, std::ostream& out) {
    if (style == OutputFormat::Json) {
        write_pretty_json(out, comparison_json(c));
        return;
    }
    const bool md = style == OutputFormat::Markdown;
    out << (md ? "**baseline compare**: OLD `" : "baseline compare: OLD ") << c.old_source << (md ? "` vs NEW `" : " vs NEW ")
        << c.new_source << (md ? "`\n\n" : "\n");
    out << format("judged per machine: decode t/s as a fraction of the bandwidth probe's limit, prefill t/s and "
                  "TTFT per int8 GMAC/s of the compute probe (\"per\"; \"pool\": probe slices between each "
                  "repetition's tokens in the run's own thread pool, each repetition normalized on its own); a regression is a normalized change worse "
                  "than max(%.0f%%, %.0f x the larger spread of OLD's and NEW's repetitions plus probe drift), at "
                  "most %.0f%%; peak RSS and runs without probes: raw, worse than %.0f%%; within ±%.0f%% is "
                  "noise\n\n",
                  kFloorPct, kSpreadFactor, kCeilingPct, kRegressionPct, kNoisePct);
    const auto t = metric_table(c);
    if (md)
        t.print_markdown(out);
    else
        t.print_text(out);
    print_notes(c, out, md ? "- " : "");
}

void plot_comparison(const Comparison& c, const std::string& png_path) {
    const fs::path script = plot_script();
    if (!fs::exists(script)) throw Error("plot helper not found at " + script.string() + " (set BITNET_BENCH_PLOT)");
    const fs::path data = fs::temp_directory_path() / ("bitnet-bench-plot-" + std::to_string(::getpid()) + ".json");
    write_json_file(data.string(), comparison_json(c));
    int rc = 0;
    try {
        rc = run_program(python(), {script.string(), data.string(), png_path});
    } catch (...) {
        fs::remove(data);
        throw;
    }
    fs::remove(data);
    if (rc != 0) throw Error("plot helper failed (exit " + std::to_string(rc) + "); it needs python3-matplotlib");
}

}  // namespace bitnet::bench
