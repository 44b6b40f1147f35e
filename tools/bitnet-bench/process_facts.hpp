// SPDX-License-Identifier: MIT
// Facts about this process and machine that benchmark records carry beside the
// receipt's own: load average (the machines are shared) and a resettable
// peak-RSS mark so several runs in one process each get their own peak.
#pragma once

#include <array>
#include <string>

namespace bitnet::bench {

// 1, 5 and 15 minute load averages; zeros when /proc/loadavg is unreadable.
std::array<double, 3> load_average();

// Sets the kernel's peak-RSS mark (VmHWM) back to the current RSS, so the next
// receipt's peak covers only what follows (Linux >= 4.0; a no-op elsewhere).
// Returns false when the kernel refused.
bool reset_peak_rss();

// The commit this tool was configured from ("unknown" outside a git checkout).
std::string build_commit();

// Directory holding this executable (for finding sibling tools and data).
std::string executable_dir();

}  // namespace bitnet::bench
