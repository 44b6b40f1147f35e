// SPDX-License-Identifier: MIT
// Fills a receipt from a finished run: the engine's machine, model, backend and
// dispatch counters, and the generation's tokens and timings.
#pragma once

#include "bitnet/engine.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/receipt.hpp"

namespace bitnet {

// Hashes the model file (SHA-256, read in chunks, not through the mapping).
receipt::Receipt collect_receipt(Engine& engine, const GenerateOptions& options, const GenerateResult& result);

}  // namespace bitnet
