// SPDX-License-Identifier: MIT
// The engine options bitnet-run and bitnet-server both take (--threads,
// --backend, --head-precision, --no-mmap, plugin directories, --max-cpu-isa),
// defined once so the two tools cannot drift apart. The model path stays each
// tool's own: they describe it differently.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>

#include "bitnet/engine.hpp"

namespace bitnet::tools {

// An "Engine options" group writing into options, which must outlive parsing.
boost::program_options::options_description engine_options_description(EngineOptions& options);

// After notify(): sets what switches imply (use_mmap) and checks the values.
// Throws bitnet::Error with a one-line message.
void finish_engine_options(const boost::program_options::variables_map& vm, EngineOptions& options);

}  // namespace bitnet::tools
