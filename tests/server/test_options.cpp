// SPDX-License-Identifier: MIT
// bitnet-server's command line: the engine options are bitnet-run's, word for
// word (tools/common), and bad values are one-line errors with a non-zero exit.
#define BOOST_TEST_MODULE server_options
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "run_command.hpp"

using bitnet::test::run_command;

namespace {

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kServer = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-server";
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";

// From "Engine options:" to the next blank line of --help.
std::string engine_section(const std::string& help) {
    const size_t start = help.find("Engine options:");
    if (start == std::string::npos) return {};
    return help.substr(start, help.find("\n\n", start) - start);
}

}  // namespace

BOOST_AUTO_TEST_CASE(both_tools_list_the_same_engine_options) {
    auto run = run_command(kRun, {"--help"}), server = run_command(kServer, {"--help"});
    BOOST_REQUIRE(run.exit_code == 0);
    BOOST_REQUIRE(server.exit_code == 0);
    const std::string section = engine_section(run.out);
    for (const char* option : {"--threads", "--backend", "--head-precision", "--no-mmap", "--plugin-dir",
                               "--allow-insecure-plugin-dir", "--max-cpu-isa"})
        BOOST_TEST(section.find(option) != std::string::npos, option << " missing from:\n" << section);
    BOOST_TEST(engine_section(server.out) == section);
}

BOOST_AUTO_TEST_CASE(bad_engine_options_are_the_same_one_line_error_in_both_tools) {
    for (const auto& tool : {kRun, kServer}) {
        auto r = run_command(tool, {"-m", kModel, "-p", "x", "-t", "5000"});
        if (tool == kServer) r = run_command(tool, {"-m", kModel, "-t", "5000"});
        BOOST_TEST(r.exit_code == 1, tool);
        BOOST_TEST(r.err == "error: --threads 5000 is too many\n", tool);
        auto unknown = run_command(tool, {"-m", kModel, "--backend"});
        BOOST_TEST(unknown.exit_code == 1, tool);
        BOOST_TEST(unknown.err.rfind("error: ", 0) == 0, tool << ": " << unknown.err);
        BOOST_TEST(std::count(unknown.err.begin(), unknown.err.end(), '\n') == 1, unknown.err);
    }
}

BOOST_AUTO_TEST_CASE(server_refuses_a_backend_that_does_not_exist) {
    auto r = run_command(kServer, {"-m", kModel, "--port", "0", "--backend", "no-such-backend"});
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("error: ") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("no-such-backend") != std::string::npos, r.err);
}
