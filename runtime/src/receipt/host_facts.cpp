// SPDX-License-Identifier: MIT
// Facts about this process and host that a receipt records.
#include "bitnet/receipt.hpp"

#include <sys/resource.h>
#include <sys/utsname.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>

namespace bitnet::receipt {

std::string utc_timestamp_now() {
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return buf;
}

uint64_t peak_rss_bytes() {
    // VmHWM is the kernel's own high-water mark in kB; getrusage reports the same
    // on Linux and serves where /proc is not mounted.
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0) {
            const uint64_t kb = std::stoull(line.substr(6));
            if (kb > 0) return kb * 1024;
        }
    }
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0 && usage.ru_maxrss > 0)
        return static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // Linux: kilobytes
    return 0;
}

std::string os_description() {
    std::string distro;
    std::ifstream release("/etc/os-release");
    std::string line;
    while (std::getline(release, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            distro = line.substr(12);
            if (distro.size() >= 2 && distro.front() == '"' && distro.back() == '"')
                distro = distro.substr(1, distro.size() - 2);
        }
    }
    std::string kernel;
    utsname u{};
    if (uname(&u) == 0) kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
    if (distro.empty()) return kernel.empty() ? "unknown" : kernel;
    return kernel.empty() ? distro : distro + "; " + kernel;
}

}  // namespace bitnet::receipt
