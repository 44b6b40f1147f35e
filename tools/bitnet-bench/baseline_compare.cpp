// SPDX-License-Identifier: MIT
#include "baseline_compare.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "bitnet/error.hpp"
#include "exit_codes.hpp"
#include "stats.hpp"
#include "text_table.hpp"

namespace bitnet::bench {
namespace {

MetricStatus judge(double change_pct, bool higher_is_better, double threshold_pct) {
    const double worse_pct = higher_is_better ? -change_pct : change_pct;
    if (std::fabs(change_pct) <= kNoisePct) return MetricStatus::Same;
    if (worse_pct > threshold_pct) return MetricStatus::Regression;
    return worse_pct > 0 ? MetricStatus::Worse : MetricStatus::Better;
}

double pct_change(double old_value, double new_value) {
    return old_value != 0 ? (new_value - old_value) / old_value * 100.0 : 0.0;
}

MetricChange base_change(const char* name, const char* label, bool higher_is_better, double old_value,
                         double new_value) {
    MetricChange m;
    m.name = name;
    m.label = label;
    m.higher_is_better = higher_is_better;
    m.old_value = old_value;
    m.new_value = new_value;
    m.change_pct = pct_change(old_value, new_value);
    return m;
}

MetricChange raw_change(const char* name, const char* label, bool higher_is_better, double old_value,
                        double new_value) {
    MetricChange m = base_change(name, label, higher_is_better, old_value, new_value);
    m.basis = "raw";
    m.threshold_pct = kRegressionPct;
    m.status = judge(m.change_pct, higher_is_better, m.threshold_pct);
    return m;
}

// How one metric of a run is read and normalized.
struct MetricDef {
    const char* name;
    const char* label;
    bool higher_is_better;
    bool bandwidth;  // normalized by the bandwidth probe, else by the compute probe
    double RunMetrics::*field;
};

constexpr MetricDef kSpeeds[] = {
    {"decode_tok_per_s", "decode t/s", true, true, &RunMetrics::decode_tok_per_s},
    {"prefill_tok_per_s", "prefill t/s", true, false, &RunMetrics::prefill_tok_per_s},
    {"ttft_ms", "TTFT ms", false, false, &RunMetrics::ttft_ms},
};

// A value in units of what the machine gave: decode as a fraction of the
// bandwidth limit, prefill per GMAC/s, TTFT in GMACs.
double in_machine_units(const MetricDef& d, double value, uint64_t model_size, double bandwidth_gbs,
                        double compute_gmacs) {
    if (d.bandwidth) return value * static_cast<double>(model_size) / (bandwidth_gbs * 1e9);
    if (d.higher_is_better) return value / compute_gmacs;
    return value / 1000.0 * compute_gmacs;
}

double normalize(const MetricDef& d, double value, const BaselineRun& r) {
    const MachineProbes& p = *r.probes;
    return in_machine_units(d, value, r.model_size, p.bandwidth_gbs(), p.compute_gmacs());
}

// (max - min) / median, in percent; 0 for fewer than two values.
double relative_spread_pct(const std::vector<double>& v) {
    if (v.size() < 2) return 0.0;
    const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
    const double mid = median_of(v);
    return mid > 0 ? (*hi - *lo) / mid * 100.0 : 0.0;
}

// The spread of the raw repetitions plus the probe's before/after drift.
double spread_pct(const MetricDef& d, const BaselineRun& r) {
    std::vector<double> v;
    for (const auto& rep : r.repetitions) v.push_back(rep.*d.field);
    return relative_spread_pct(v) +
           (d.bandwidth ? r.probes->bandwidth_drift() : r.probes->compute_drift()) * 100.0;
}

bool has_pool_probes(const BaselineRun& r) {
    return !r.repetitions.empty() &&
           std::all_of(r.repetitions.begin(), r.repetitions.end(), [](const RunMetrics& m) { return m.machine; });
}

// Every repetition in the units of the pool probes around it.
std::vector<double> normalized_repetitions(const MetricDef& d, const BaselineRun& r) {
    std::vector<double> v;
    for (const auto& rep : r.repetitions)
        v.push_back(in_machine_units(d, rep.*d.field, r.model_size, rep.machine->bandwidth_gbs,
                                     rep.machine->compute_gmacs));
    return v;
}

MetricChange judged_change(MetricChange m, const MetricDef& d) {
    m.normalized = true;
    m.norm_change_pct = pct_change(m.old_norm, m.new_norm);
    m.threshold_pct =
        std::clamp(kSpreadFactor * std::max(m.old_spread_pct, m.new_spread_pct), kFloorPct, kCeilingPct);
    m.status = judge(m.norm_change_pct, d.higher_is_better, m.threshold_pct);
    return m;
}

MetricChange speed_change(const MetricDef& d, const BaselineRun& o, const BaselineRun& n) {
    const double old_value = o.metrics.*d.field, new_value = n.metrics.*d.field;
    MetricChange m = base_change(d.name, d.label, d.higher_is_better, old_value, new_value);
    if (has_pool_probes(o) && has_pool_probes(n)) {
        const auto ov = normalized_repetitions(d, o), nv = normalized_repetitions(d, n);
        m.basis = d.bandwidth ? "pool bandwidth" : "pool compute";
        m.old_norm = median_of(ov);
        m.new_norm = median_of(nv);
        m.old_spread_pct = relative_spread_pct(ov);
        m.new_spread_pct = relative_spread_pct(nv);
        return judged_change(m, d);
    }
    if (!o.probes || !n.probes) return raw_change(d.name, d.label, d.higher_is_better, old_value, new_value);
    m.basis = d.bandwidth ? "bandwidth" : "compute";
    m.old_norm = normalize(d, old_value, o);
    m.new_norm = normalize(d, new_value, n);
    m.old_spread_pct = spread_pct(d, o);
    m.new_spread_pct = spread_pct(d, n);
    return judged_change(m, d);
}

RunComparison compare_run(const BaselineRun& o, const BaselineRun& n) {
    RunComparison c;
    c.key = n.key;
    for (const auto& d : kSpeeds) c.metrics.push_back(speed_change(d, o, n));
    c.metrics.push_back(
        raw_change("peak_rss_bytes", "peak RSS MB", false, o.metrics.peak_rss_bytes, n.metrics.peak_rss_bytes));
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
        const bool pool = has_pool_probes(*o) && has_pool_probes(n);
        if (!pool && o->probes && n.probes)
            c.warnings.push_back(n.key + ": " + (!has_pool_probes(*o) ? "OLD" : "NEW") +
                                 " has no pool probes per repetition (a summary before version 3): its speeds "
                                 "are judged against the probes around the whole run");
        if (!pool && (!o->probes || !n.probes))
            c.warnings.push_back(n.key + ": " + (!o->probes ? "OLD" : "NEW") +
                                 " has no machine probes (bare receipts or a summary before version 2): its "
                                 "speeds are judged raw, more than " + format("%.0f%%", kRegressionPct) +
                                 " worse is a regression");
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
