// SPDX-License-Identifier: MIT
// Renders a BenchReport: an aligned text table (default), Markdown, or JSON with
// every repetition.
#pragma once

#include <ostream>
#include <string>

#include "bench_run.hpp"

namespace bitnet::bench {

enum class OutputFormat { Text, Json, Markdown };

// "text", "json", "md"; throws bitnet::Error naming the accepted values otherwise.
OutputFormat parse_output_format(const std::string& name);

void print_bench_report(const BenchReport& report, OutputFormat format, std::ostream& out);

}  // namespace bitnet::bench
