// SPDX-License-Identifier: MIT
// Starts bin/bitnet-server on the demo model with --port 0, reads the port from
// its first line of stdout, and waits for /health; kills it at the end, and the
// kernel kills it when the test process dies first (a crash, a ctest timeout).
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
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
    // binary: the bitnet-server to start (default: the build tree's); model:
    // the GGUF to serve (default: the demo model).
    explicit ServerProcess(std::vector<std::string> extra = {}, std::vector<std::string> env_add = {},
                           Headers health_headers = {}, std::string binary = {}, std::string model = {}) {
        if (binary.empty()) binary = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-server";
        if (model.empty()) model = demo_model();
        std::vector<std::string> args{binary, "-m", model,
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
        const pid_t parent = getpid();
        pid_ = fork();
        if (pid_ == 0) {
            // Only async-signal-safe calls between fork and exec. The death
            // signal follows the thread that forked: tests start servers on
            // their main thread.
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent) _exit(127);  // the parent died before prctl
            dup2(fds[1], 1);
            close(fds[0]);
            close(fds[1]);
            execve(argv[0], argv.data(), envp.data());
            _exit(127);
        }
        close(fds[1]);
        out_ = fds[0];
        if (pid_ < 0) fail("cannot start " + args[0]);
        const std::string line = read_line(std::chrono::seconds(30));
        const auto colon = line.rfind(':');
        if (line.rfind("listening on ", 0) != 0 || colon == std::string::npos)
            fail("bitnet-server's first line is not 'listening on HOST:PORT': '" + line + "'");
        port_ = static_cast<uint16_t>(std::stoi(line.substr(colon + 1)));
        for (int i = 0; i < 300; ++i) {
            if (get(port_, "/health", health_headers).status == 200) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        fail("bitnet-server never became healthy");
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
    pid_t pid() const { return pid_; }
    // The server's resident set (VmRSS of /proc/PID/status) in bytes; 0 if gone.
    uint64_t rss_bytes() const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(in, line);)
            if (line.rfind("VmRSS:", 0) == 0) {
                uint64_t kb = 0;
                std::istringstream(line.substr(6)) >> kb;
                return kb * 1024;
            }
        return 0;
    }
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
    [[noreturn]] void fail(const std::string& why) {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
        throw std::runtime_error(why);
    }

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
