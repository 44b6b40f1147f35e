// SPDX-License-Identifier: MIT
// A client no one here wrote: the official openai npm package, installed by
// `npm ci` from the committed lock file into the build tree, runs a chat
// completion and a streamed one against bitnet-server (openai-client/).
// Without node and npm this test fails: scripts/setup-debian.sh installs them.
#define BOOST_TEST_MODULE server_openai_client
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "run_command.hpp"
#include "server_process.hpp"

using namespace bitnet::test;
namespace fs = std::filesystem;

namespace {

// The first executable NAME on PATH, or "" (run_command takes a path, not a name).
std::string find_on_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    std::istringstream dirs(path ? path : "");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        if (dir.empty()) continue;
        const fs::path candidate = fs::path(dir) / name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return {};
}

}  // namespace

BOOST_AUTO_TEST_CASE(openai_npm_client_gets_a_chat_completion_and_a_streamed_one) {
    const std::string npm = find_on_path("npm"), node = find_on_path("node");
    BOOST_REQUIRE_MESSAGE(!npm.empty() && !node.empty(),
                          "node and npm must be on PATH for the openai client test (scripts/setup-debian.sh installs them)");

    // A fresh copy in the build tree, so npm never writes into the sources.
    const fs::path src = BITNET_OPENAI_CLIENT_SRC_DIR, work = BITNET_OPENAI_CLIENT_WORK_DIR;
    fs::create_directories(work);
    for (const char* f : {"package.json", "package-lock.json", "chat_completions.mjs"})
        fs::copy_file(src / f, work / f, fs::copy_options::overwrite_existing);
    auto ci = run_command(npm, {"ci", "--prefix", work.string(), "--no-audit", "--no-fund"});
    BOOST_REQUIRE_MESSAGE(!ci.signaled && ci.exit_code == 0, "npm ci failed:\n" << ci.out << ci.err);
    BOOST_REQUIRE(fs::exists(work / "node_modules" / "openai" / "package.json"));

    const std::string key = "openai-client-test-key";
    ServerProcess server({"--api-key", key}, {}, {{"Authorization", "Bearer " + key}});
    const std::string base_url = "http://127.0.0.1:" + std::to_string(server.port()) + "/v1";
    auto run = run_command(node, {(work / "chat_completions.mjs").string()},
                           {"BITNET_SERVER_BASE_URL=" + base_url, "BITNET_SERVER_API_KEY=" + key});
    BOOST_TEST_MESSAGE(run.out);
    BOOST_TEST((!run.signaled && run.exit_code == 0), "the openai client script failed (exit " << run.exit_code << "):\n"
                                                         << run.out << run.err);
    BOOST_TEST(run.out.find("openai client ok:") != std::string::npos, run.out);
    // The server is still serving after the client's requests and the wrong key.
    BOOST_TEST(post(server.port(), "/v1/completions", std::string(R"({"prompt": "Once", "max_tokens": 2})"),
                    {{"Authorization", "Bearer " + key}})
                   .status == 200u);
}
