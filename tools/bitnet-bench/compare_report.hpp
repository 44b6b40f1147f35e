// SPDX-License-Identifier: MIT
// Renders a Comparison as a text table, Markdown or JSON, and draws it as a PNG
// through the plot helper script.
#pragma once

#include <boost/json/value.hpp>

#include <ostream>
#include <string>

#include "baseline_compare.hpp"
#include "bench_report.hpp"

namespace bitnet::bench {

boost::json::value comparison_json(const Comparison& c);
void print_comparison(const Comparison& c, OutputFormat format, std::ostream& out);

// Runs bitnet-bench-plot.py (found in <exe>/../share/bitnet, or
// $BITNET_BENCH_PLOT) with the interpreter in $BITNET_PYTHON, else
// /usr/bin/python3 (Debian's, where python3-matplotlib installs), else python3.
// Throws bitnet::Error when the script fails.
void plot_comparison(const Comparison& c, const std::string& png_path);

}  // namespace bitnet::bench
