// SPDX-License-Identifier: MIT
// Starts bin/bitnet-server on the demo model with --port 0, reads the port from
// its first line of stdout, and waits for /health; kills it at the end.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http_client.hpp"

extern char** environ;

namespace bitnet::test {

inline std::string demo_model() { return std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf"; }

class ServerProcess {
public:
    // binary: the bitnet-server to start (default: the build tree's).
    explicit ServerProcess(std::vector<std::string> extra = {}, std::vector<std::string> env_add = {},
                           Headers health_headers = {}, std::string binary = {}) {
        if (binary.empty()) binary = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-server";
        std::vector<std::string> args{binary, "-m", demo_model(),
                                      "--port", "0", "-t", "1"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        std::vector<std::string> env_strings;
        for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
        env_strings.insert(env_strings.end(), env_add.begin(), env_add.end());
        std::vector<char*> envp;
        for (auto& e : env_strings) envp.push_back(e.data());
        envp.push_back(nullptr);

        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
        posix_spawn_file_actions_addclose(&actions, fds[0]);
        const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
        posix_spawn_file_actions_destroy(&actions);
        close(fds[1]);
        out_ = fds[0];
        if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
        const std::string line = read_line(std::chrono::seconds(30));
        const auto colon = line.rfind(':');
        if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
            throw std::runtime_error("bitnet-server's first line is not 'listening on HOST:PORT': '" + line + "'");
        port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
        for (int i = 0; i < 300; ++i) {
            if (get(port_, "/health", health_headers).status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        throw std::runtime_error("bitnet-server never became healthy");
    }
    ~ServerProcess() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        if (out_ >= 0) close(out_);
    }
    ServerProcess(const ServerProcess&) = delete;
    ServerProcess& operator=(const ServerProcess&) = delete;

    uint16_t port() const { return port_; }
    void signal(int sig) { kill(pid_, sig); }
    // Waits for the process to exit; returns its exit code, or -1 when killed or
    // still running after the timeout.
    int wait(std::chrono::seconds timeout) {
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            int status = 0;
            if (waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return -1;
    }

private:
    std::string read_line(std::chrono::seconds timeout) {
        std::string line;
        const auto end = std::chrono::steady_clock::now() + timeout;
        while (std::chrono::steady_clock::now() < end) {
            pollfd p{out_, POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char c;
            if (read(out_, &c, 1) != 1) break;
            if (c == '\n') return line;
            line += c;
        }
        return line;
    }

    pid_t pid_{-1};
    int out_{-1};
    uint16_t port_{0};
};

}  // namespace bitnet::test
