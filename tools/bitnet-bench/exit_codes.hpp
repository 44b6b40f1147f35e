// SPDX-License-Identifier: MIT
// Exit codes of bitnet-bench, documented in --help and the README.
#pragma once

namespace bitnet::bench {

inline constexpr int kExitSame = 0;            // compare: within thresholds; run: all fine
inline constexpr int kExitError = 1;           // bad arguments or input, a failed run
inline constexpr int kExitRegression = 2;      // a metric more than kRegressionPct worse
inline constexpr int kExitAnswersChanged = 3;  // generated token ids differ
inline constexpr int kExitBoth = 4;            // a regression and changed answers

inline constexpr double kNoisePct = 5.0;        // |change| within this is noise
inline constexpr double kRegressionPct = 20.0;  // raw values (no probes, peak RSS): worse than this regresses

// Speeds normalized by the machine probes: a regression is a normalized change
// worse than clamp(kSpreadFactor x spread, kFloorPct, kCeilingPct), where spread
// is the larger of OLD's and NEW's relative spread (see baseline_compare.hpp).
inline constexpr double kFloorPct = 10.0;
inline constexpr double kSpreadFactor = 2.0;
inline constexpr double kCeilingPct = 40.0;  // so a 2x slowdown (-50%) always regresses

}  // namespace bitnet::bench
