// SPDX-License-Identifier: MIT
// Where bitnet-bench's receipts go: the path the command chose, and, as
// bitnet-run does, one more file per run in $BITNET_RECEIPT_DIR when set, so a
// CI job can audit every run it made.
#pragma once

#include <string>

#include "bitnet/receipt.hpp"

namespace bitnet::bench {

// True when $BITNET_RECEIPT_DIR asks for receipts.
bool receipt_dir_from_environment();

// Writes r to path (when not empty) and into $BITNET_RECEIPT_DIR (when set).
void write_receipts(const receipt::Receipt& r, const std::string& path);

}  // namespace bitnet::bench
