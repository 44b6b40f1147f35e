// SPDX-License-Identifier: MIT
// Summary statistics of repeated measurements, as llama-bench reports them:
// mean and sample standard deviation of the per-repetition rates, plus the
// median, which the project quotes because this machine class is noisy.
#pragma once

#include <cstddef>
#include <vector>

namespace bitnet::bench {

struct Summary {
    size_t n{0};
    double mean{0};
    double stddev{0};  // sample (n - 1) deviation; 0 for fewer than two samples
    double median{0};
    double min{0};
    double max{0};
};

Summary summarize(std::vector<double> samples);

// The median of samples (the mean of the middle two for an even count); 0 when empty.
double median_of(std::vector<double> samples);

}  // namespace bitnet::bench
