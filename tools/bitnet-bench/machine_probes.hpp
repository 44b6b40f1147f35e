// SPDX-License-Identifier: MIT
// What the machine gave a baseline run: the read-bandwidth probe (bandwidth.hpp)
// and the int8 compute probe (compute_probe.hpp), both at the run's thread
// count, right before and right after it. compare divides a run's speeds by
// them, so a slower shared VM does not read as slower code.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace bitnet::bench {

struct ProbeSample {
    double bandwidth_gbs{0};       // median whole pass (what the load leaves), 1e9 B/s
    double bandwidth_peak_gbs{0};  // fastest chunk
    double compute_gmacs_per_thread{0};  // median round
};

struct MachineProbes {
    unsigned threads{0};
    ProbeSample before, after;
    double bandwidth_gbs() const { return (before.bandwidth_gbs + after.bandwidth_gbs) / 2; }
    double compute_gmacs() const {  // all threads
        return (before.compute_gmacs_per_thread + after.compute_gmacs_per_thread) / 2 * threads;
    }
    // |before - after| / mean: how far the machine moved during the run.
    double bandwidth_drift() const;
    double compute_drift() const;
};

// What the pool probe (pool_probe.hpp) measured during one repetition.
struct PoolProbeSample {
    double bandwidth_gbs{0};  // bytes of all tensors / time of the read passes, 1e9 B/s
    double compute_gmacs{0};  // all threads together, 1e9 int8 multiply-accumulates / s
};
boost::json::object pool_probe_json(const PoolProbeSample& s);
// Throws bitnet::Error naming `where` on a missing or non-positive value.
PoolProbeSample read_pool_probe(const boost::json::object& o, const std::string& where);

// Both probes at `threads` threads, ~0.5 s together. The bandwidth probe's
// buffer (256 MiB) lives in the calling process only for the probe.
ProbeSample probe_machine(unsigned threads);

boost::json::object probes_json(const MachineProbes& p);
// nullopt when the run object has no "probes" (summaries before version 2);
// throws bitnet::Error naming `where` when it has malformed ones.
std::optional<MachineProbes> read_probes(const boost::json::object& run, const std::string& where);

}  // namespace bitnet::bench
