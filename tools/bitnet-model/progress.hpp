// SPDX-License-Identifier: MIT
// Download progress on stderr: a redrawn bar with rate and ETA on a terminal,
// occasional plain lines otherwise (logs, CI, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <ostream>
#include <string>

namespace bitnet::model_tool {

enum class ProgressStyle { Bar, Lines, None };

// Bar when stderr is a terminal, else Lines.
ProgressStyle default_progress_style();

// "1.5 MiB", "312 B".
std::string format_bytes(uint64_t n);

class Progress {
public:
    Progress(std::string label, ProgressStyle style, std::ostream& out);

    // A transfer (re)starts at `done` bytes of `total` (when known).
    void start(uint64_t done, std::optional<uint64_t> total);
    // Bytes received so far; redraws at most a few times a second.
    void update(uint64_t done);
    // Ends the bar's line (before any other message is printed).
    void interrupt();
    // Final line after a complete transfer.
    void finish(uint64_t done);

private:
    using Clock = std::chrono::steady_clock;
    double rate() const;  // bytes/s over the last few seconds
    std::string line(uint64_t done) const;

    std::string label_;
    ProgressStyle style_;
    std::ostream& out_;
    std::optional<uint64_t> total_;
    Clock::time_point started_, last_draw_;
    std::deque<std::pair<Clock::time_point, uint64_t>> window_;
    int last_tenth_{-1};
    bool bar_open_{false};
};

}  // namespace bitnet::model_tool
