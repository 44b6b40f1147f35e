// SPDX-License-Identifier: MIT
#include "machine_probes.hpp"

#include <cmath>

#include "bandwidth.hpp"
#include "bitnet/error.hpp"
#include "compute_probe.hpp"
#include "json_io.hpp"

namespace bitnet::bench {
namespace {

namespace json = boost::json;

double drift(double a, double b) { return a + b > 0 ? std::fabs(a - b) / ((a + b) / 2) : 0.0; }

json::object sample_json(const ProbeSample& s) {
    return {{"bandwidth_gbs", s.bandwidth_gbs},
            {"bandwidth_peak_gbs", s.bandwidth_peak_gbs},
            {"compute_gmacs_per_thread", s.compute_gmacs_per_thread}};
}

ProbeSample read_sample(const json::object& o, const std::string& where) {
    ProbeSample s;
    s.bandwidth_gbs = number_field(o, "bandwidth_gbs", where);
    s.bandwidth_peak_gbs = number_field(o, "bandwidth_peak_gbs", where);
    s.compute_gmacs_per_thread = number_field(o, "compute_gmacs_per_thread", where);
    if (!(s.bandwidth_gbs > 0) || !(s.compute_gmacs_per_thread > 0))
        throw Error(where + ": probe values must be positive");
    return s;
}

}  // namespace

double MachineProbes::bandwidth_drift() const { return drift(before.bandwidth_gbs, after.bandwidth_gbs); }
double MachineProbes::compute_drift() const {
    return drift(before.compute_gmacs_per_thread, after.compute_gmacs_per_thread);
}

ProbeSample probe_machine(unsigned threads) {
    BandwidthOptions bo;
    bo.threads = threads;
    bo.bytes = uint64_t{256} << 20;
    bo.passes = 8;
    const BandwidthResult bw = measure_read_bandwidth(bo);
    ComputeProbeOptions co;
    co.threads = threads;
    const ComputeProbeResult cp = measure_int8_compute(co);
    return {bw.pass_gbs, bw.peak_gbs, cp.gmacs_per_thread};
}

json::object pool_probe_json(const PoolProbeSample& s) {
    return {{"bandwidth_gbs", s.bandwidth_gbs}, {"compute_gmacs", s.compute_gmacs}};
}

PoolProbeSample read_pool_probe(const json::object& o, const std::string& where) {
    PoolProbeSample s;
    s.bandwidth_gbs = number_field(o, "bandwidth_gbs", where);
    s.compute_gmacs = number_field(o, "compute_gmacs", where);
    if (!(s.bandwidth_gbs > 0) || !(s.compute_gmacs > 0)) throw Error(where + ": probe values must be positive");
    return s;
}

json::object probes_json(const MachineProbes& p) {
    return {{"threads", p.threads},
            {"bandwidth_gbs", p.bandwidth_gbs()},
            {"compute_gmacs_per_thread", p.compute_gmacs() / p.threads},
            {"before", sample_json(p.before)},
            {"after", sample_json(p.after)}};
}

std::optional<MachineProbes> read_probes(const json::object& run, const std::string& where) {
    if (!run.contains("probes")) return std::nullopt;
    const std::string w = where + ": probes";
    const auto& o = object_field(run, "probes", where);
    MachineProbes p;
    p.threads = static_cast<unsigned>(int_field(o, "threads", w));
    if (p.threads < 1) throw Error(w + ": threads must be at least 1");
    p.before = read_sample(object_field(o, "before", w), w + ".before");
    p.after = read_sample(object_field(o, "after", w), w + ".after");
    return p;
}

}  // namespace bitnet::bench
