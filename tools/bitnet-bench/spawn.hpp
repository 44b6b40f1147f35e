// SPDX-License-Identifier: MIT
// Runs another program (no shell; PATH searched when program has no slash) with
// this process's environment and stderr, and waits for it. Its stdout goes to
// our stderr: our stdout carries only our own report.
#pragma once

#include <string>
#include <vector>

namespace bitnet::bench {

// Returns the exit code; throws bitnet::Error when the program cannot start or
// dies from a signal.
int run_program(const std::string& program, const std::vector<std::string>& args);

}  // namespace bitnet::bench
