// SPDX-License-Identifier: MIT
// A baseline workload (baselines/workload.json): which model to synthesise, what
// to ask it, and how. Everything needed to regenerate the model and rerun the
// measurement is in the file, so anyone can reproduce a pinned baseline.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bitnet/sampler.hpp"
#include "determinism.hpp"

namespace bitnet::bench {

struct WorkloadModel {
    std::string preset;             // bitnet-gguf synth --preset
    uint64_t seed{1};               // --seed
    std::string vocab;              // --vocab, resolved against the workload's directory; "" = synth's own
    std::optional<uint64_t> size_bytes;  // pins: a run on any other file is refused
    std::optional<std::string> sha256;
};

struct WorkloadPrompt {
    std::string text;
    int32_t n_predict{128};
};

struct Workload {
    std::string path;   // the file it was read from
    std::string name;
    WorkloadModel model;
    std::vector<WorkloadPrompt> prompts;
    std::vector<unsigned> threads;
    std::string head_precision{"f16"};
    sampling::SamplingParams sampling;  // greedy by default
    bool ignore_eos{true};
    int repetitions{3};
    std::map<std::string, int> repetitions_per_backend;  // slow reference plugins may run fewer
    boost::json::value document;        // as read, copied into the summary

    int repetitions_for(const std::string& backend) const {
        const auto it = repetitions_per_backend.find(backend);
        return it == repetitions_per_backend.end() ? repetitions : it->second;
    }
    // The file name bitnet-gguf synth output is cached under.
    std::string model_file_name() const;
};

// Parses and checks the file; throws bitnet::Error "<path>: <what>".
Workload read_workload(const std::string& path);

// Overrides the sampling as BITNET_DETERMINISTIC / BITNET_SEED say.
void apply_determinism(Workload& w, const Determinism& d);

}  // namespace bitnet::bench
