// SPDX-License-Identifier: MIT
// A baseline repetition: generate()'s steps (the prompt as one batch, then one
// TokenStep and one eval per token) with a pool probe slice before the prompt
// and between tokens, outside the timed spans. The ids are generate()'s for the
// same options; the timings cover what generate() times, minus the slices.
#pragma once

#include <cstdint>
#include <vector>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/session.hpp"
#include "machine_probes.hpp"
#include "pool_probe.hpp"

namespace bitnet::bench {

struct ProbedGeneration {
    GenerateResult result;
    PoolProbeSample machine;  // what the slices measured during this repetition
};

ProbedGeneration probed_generate(Engine& engine, model::Session& session, const std::vector<int32_t>& prompt_ids,
                                 const GenerateOptions& options, PoolProbe& probe);

}  // namespace bitnet::bench
