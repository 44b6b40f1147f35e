// SPDX-License-Identifier: MIT
// bitnet-bench: llama-bench-style speed tests, a memory-bandwidth probe, and the
// baseline harness that pins and compares receipts per plugin.
#include <iostream>
#include <string>

#include <boost/program_options/errors.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
    try {
        const std::string sub = argc > 1 ? argv[1] : "";
        if (sub == "bandwidth") return bitnet::bench::bandwidth_command(argc - 1, argv + 1);
        if (sub == "server") return bitnet::bench::server_load_command(argc - 1, argv + 1);
        if (sub == "baseline") return bitnet::bench::baseline_command(argc - 1, argv + 1);
        return bitnet::bench::bench_command(argc, argv);
    } catch (const boost::program_options::error& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << " (see --help)\n";
        return 1;
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << "\n";
        return 1;
    }
}
