// SPDX-License-Identifier: MIT
// The subcommands of bitnet-bench; each parses its own arguments (argv[0] is
// the subcommand's name) and returns the process exit code. Errors are thrown as
// bitnet::Error and printed by main as "error: ...", exit 1.
#pragma once

namespace bitnet::bench {

int bench_command(int argc, char** argv);
int bandwidth_command(int argc, char** argv);
int baseline_command(int argc, char** argv);
int server_load_command(int argc, char** argv);

}  // namespace bitnet::bench
