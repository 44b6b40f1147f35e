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
inline constexpr double kRegressionPct = 20.0;  // worse than this is a regression

}  // namespace bitnet::bench
