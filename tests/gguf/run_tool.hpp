// SPDX-License-Identifier: MIT
// Runs a built executable with an argv (no shell, so any text passes through)
// and captures its exit status, stdout and stderr.
#pragma once

#include <spawn.h>
#include <sys/wait.h>
#include <fcntl.h>

#include <string>
#include <vector>

#include "gguf_test_util.hpp"

extern char** environ;

namespace bitnet::test {

struct ToolResult {
    bool exited{false};  // false: killed by a signal
    int status{-1};      // exit code when exited
    std::string out, err;
};

inline std::string tool_path(const std::string& name) { return std::string(BITNET_TEST_BIN_DIR) + "/" + name; }

inline ToolResult run_tool(const std::string& exe, const std::vector<std::string>& args) {
    TempDir dir;
    const std::string out_path = dir.file("stdout"), err_path = dir.file("stderr");
    std::vector<std::string> all{exe};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ToolResult r;
    if (rc != 0) {
        r.err = "posix_spawn failed for " + exe;
        return r;
    }
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    r.exited = WIFEXITED(wstatus);
    r.status = r.exited ? WEXITSTATUS(wstatus) : -1;
    const auto o = read_file(out_path), e = read_file(err_path);
    r.out.assign(o.begin(), o.end());
    r.err.assign(e.begin(), e.end());
    return r;
}

}  // namespace bitnet::test
