// SPDX-License-Identifier: MIT
// Runs a program with arguments (no shell), capturing stdout and stderr, for
// tests of the command-line tools. Reports how the child ended so a test can
// tell an error exit from a crash.
#pragma once

#include <spawn.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace bitnet::test {

struct CommandResult {
    int exit_code{-1};   // valid when !signaled
    bool signaled{false};
    int signal{0};
    std::string out;
    std::string err;
};

inline std::string read_file_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// env_extra entries are "NAME=value" added to (or overriding) the environment;
// stdin_text, when given, is the child's standard input.
inline CommandResult run_command(const std::string& program, const std::vector<std::string>& args,
                                 const std::vector<std::string>& env_extra = {},
                                 const std::string* stdin_text = nullptr) {
    namespace fs = std::filesystem;
    static int counter = 0;
    fs::path dir = fs::temp_directory_path() /
                   ("bitnet-cmd-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::create_directories(dir);
    fs::path out = dir / "out", err = dir / "err", in = dir / "in";
    if (stdin_text) std::ofstream(in, std::ios::binary) << *stdin_text;

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 0, stdin_text ? in.c_str() : "/dev/null", O_RDONLY, 0);

    std::vector<std::string> argv_s{program};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);

    std::vector<std::string> env_s;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        bool overridden = false;
        for (const auto& x : env_extra)
            if (entry.substr(0, entry.find('=') + 1) == x.substr(0, x.find('=') + 1)) overridden = true;
        if (!overridden) env_s.push_back(entry);
    }
    env_s.insert(env_s.end(), env_extra.begin(), env_extra.end());
    std::vector<char*> envp;
    for (auto& e : env_s) envp.push_back(e.data());
    envp.push_back(nullptr);

    CommandResult r;
    pid_t pid = 0;
    if (posix_spawn(&pid, program.c_str(), &fa, nullptr, argv.data(), envp.data()) != 0) {
        posix_spawn_file_actions_destroy(&fa);
        r.err = "cannot start " + program;
        return r;
    }
    posix_spawn_file_actions_destroy(&fa);
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) {
        r.signaled = true;
        r.signal = WTERMSIG(status);
    } else {
        r.exit_code = WEXITSTATUS(status);
    }
    r.out = read_file_text(out);
    r.err = read_file_text(err);
    fs::remove_all(dir);
    return r;
}

}  // namespace bitnet::test
