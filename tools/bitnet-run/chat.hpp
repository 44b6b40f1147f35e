// SPDX-License-Identifier: MIT
// Interactive chat for bitnet-run: one user turn per stdin line, in the format
// BitNet b1.58 2B-4T was trained with, keeping the KV cache across turns.
#pragma once

#include <iosfwd>

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "run_options.hpp"

namespace bitnet::cli {

// Runs until stdin ends or the context is full; returns the summed result of all
// turns (prompt ids and generated ids concatenated, times added).
GenerateResult run_chat(Engine& engine, model::Session& session, const RunOptions& options, std::istream& in,
                        std::ostream& out);

}  // namespace bitnet::cli
