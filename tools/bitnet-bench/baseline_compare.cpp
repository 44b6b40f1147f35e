// SPDX-License-Identifier: MIT
#include "baseline_compare.hpp"

#include <cmath>
#include <set>

#include "bitnet/error.hpp"
#include "exit_codes.hpp"

namespace bitnet::bench {
namespace {

MetricChange change(const char* name, const char* label, bool higher_is_better, double old_value, double new_value) {
    MetricChange m{name, label, higher_is_better, old_value, new_value};
    m.change_pct = old_value != 0 ? (new_value - old_value) / old_value * 100.0 : 0.0;
    const double worse_pct = higher_is_better ? -m.change_pct : m.change_pct;
    if (std::fabs(m.change_pct) <= kNoisePct)
        m.status = MetricStatus::Same;
    else if (worse_pct > kRegressionPct)
        m.status = MetricStatus::Regression;
    else
        m.status = worse_pct > 0 ? MetricStatus::Worse : MetricStatus::Better;
    return m;
}

RunComparison compare_run(const BaselineRun& o, const BaselineRun& n) {
    RunComparison c;
    c.key = n.key;
    c.metrics = {
        change("decode_tok_per_s", "decode t/s", true, o.metrics.decode_tok_per_s, n.metrics.decode_tok_per_s),
        change("prefill_tok_per_s", "prefill t/s", true, o.metrics.prefill_tok_per_s, n.metrics.prefill_tok_per_s),
        change("ttft_ms", "TTFT ms", false, o.metrics.ttft_ms, n.metrics.ttft_ms),
        change("peak_rss_bytes", "peak RSS MB", false, o.metrics.peak_rss_bytes, n.metrics.peak_rss_bytes),
    };
    std::set<std::string> ops;
    for (const auto& [op, k] : o.selected) ops.insert(op);
    for (const auto& [op, k] : n.selected) ops.insert(op);
    for (const auto& op : ops) {
        const auto a = o.selected.find(op), b = n.selected.find(op);
        const std::string ka = a == o.selected.end() ? "" : a->second;
        const std::string kb = b == n.selected.end() ? "" : b->second;
        if (ka != kb) c.kernels.push_back({op, ka, kb});
    }
    c.old_ids = o.generated_ids.size();
    c.new_ids = n.generated_ids.size();
    c.ids_identical = o.generated_ids == n.generated_ids;
    if (!c.ids_identical) {
        size_t i = 0;
        while (i < o.generated_ids.size() && i < n.generated_ids.size() && o.generated_ids[i] == n.generated_ids[i]) ++i;
        c.first_difference = i;
    }
    return c;
}

const BaselineRun* find_run(const BaselineSet& set, const std::string& key) {
    for (const auto& r : set.runs)
        if (r.key == key) return &r;
    return nullptr;
}

void check_same_model(const BaselineSet& a, const BaselineSet& b) {
    for (const auto& x : a.runs)
        for (const auto& y : b.runs)
            if (x.model_sha256 != y.model_sha256)
                throw Error(x.receipt_path + " and " + y.receipt_path + " ran different models (SHA-256 " +
                            x.model_sha256.substr(0, 16) + "... " + std::to_string(x.model_size) + " bytes vs " +
                            y.model_sha256.substr(0, 16) + "... " + std::to_string(y.model_size) +
                            " bytes): their speeds are not comparable");
}

}  // namespace

const char* status_name(MetricStatus s) {
    switch (s) {
        case MetricStatus::Same: return "same";
        case MetricStatus::Better: return "better";
        case MetricStatus::Worse: return "worse";
        case MetricStatus::Regression: return "REGRESSION";
    }
    return "?";
}

int Comparison::exit_code() const {
    if (regression && answers_changed) return kExitBoth;
    if (answers_changed) return kExitAnswersChanged;
    if (regression) return kExitRegression;
    return kExitSame;
}

Comparison compare_baselines(const BaselineSet& old_set, const BaselineSet& new_set) {
    check_same_model(old_set, old_set);
    check_same_model(new_set, new_set);
    check_same_model(old_set, new_set);
    Comparison c;
    c.old_source = old_set.source;
    c.new_source = new_set.source;

    // Two single receipts compare with each other whatever their names.
    const bool pairwise = old_set.runs.size() == 1 && new_set.runs.size() == 1;
    for (const auto& n : new_set.runs) {
        const BaselineRun* o = pairwise ? &old_set.runs.front() : find_run(old_set, n.key);
        if (!o) {
            c.only_in_new.push_back(n.key);
            continue;
        }
        c.runs.push_back(compare_run(*o, n));
        if (o->cpu_brand != n.cpu_brand)
            c.warnings.push_back(n.key + ": measured on another CPU (\"" + o->cpu_brand + "\" vs \"" + n.cpu_brand +
                                 "\"): speed changes may be the machine's");
    }
    if (!pairwise)
        for (const auto& o : old_set.runs)
            if (!find_run(new_set, o.key)) c.only_in_old.push_back(o.key);

    for (const auto& a : new_set.runs)
        for (const auto& b : new_set.runs)
            if (a.prompt_index == b.prompt_index && a.generated_ids != b.generated_ids) c.new_runs_agree = false;
    for (const auto& r : c.runs) {
        c.answers_changed = c.answers_changed || !r.ids_identical;
        for (const auto& m : r.metrics) c.regression = c.regression || m.status == MetricStatus::Regression;
    }
    c.answers_changed = c.answers_changed || !c.new_runs_agree;
    if (!c.only_in_old.empty())
        c.warnings.push_back(std::to_string(c.only_in_old.size()) + " run(s) of OLD missing from NEW");
    return c;
}

}  // namespace bitnet::bench
