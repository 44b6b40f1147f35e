// SPDX-License-Identifier: MIT
// Memory read-bandwidth probe: the ceiling a decode step, which streams every
// weight once per token, cannot beat. The buffer is written before it is timed:
// untouched pages all map to the kernel's zero page and read at cache speed.
//
// The machines this runs on are shared, so a whole pass over the buffer is
// rarely on the CPU from start to end. Each pass is therefore timed in chunks
// (all threads between two barriers) and the fastest chunk gives the peak; a
// chunk last touched a whole buffer ago is never in cache, so the peak is still
// DRAM bandwidth. The median whole pass says what the current load leaves.
#pragma once

#include <cstdint>
#include <string>

namespace bitnet::bench {

struct BandwidthOptions {
    unsigned threads{1};
    uint64_t bytes{uint64_t{1} << 30};          // >= 1 GiB: far beyond any cache
    int passes{3};                               // timed passes after one untimed
    uint64_t chunk_bytes{uint64_t{4} << 20};     // per thread, per timed chunk
};

struct BandwidthResult {
    unsigned threads{0};
    uint64_t bytes{0};
    uint64_t chunk_bytes{0};
    int passes{0};
    std::string loads;     // the read loop that ran: "avx512", "avx2", "128-bit"
    double peak_gbs{0};    // fastest chunk, 1e9 bytes/s: the limit the bench divides by
    double pass_gbs{0};    // median whole pass, barriers included
};

// Each thread first writes, then repeatedly reads, its own contiguous slice with
// the widest vector loads this CPU allows. Throws bitnet::Error when the buffer
// cannot be allocated.
BandwidthResult measure_read_bandwidth(const BandwidthOptions& options);

}  // namespace bitnet::bench
