// SPDX-License-Identifier: MIT
// Memory figures of this process from /proc/self/status, for tests that bound RSS.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace bitnet::test {

// A field of /proc/self/status ("VmRSS", "RssAnon", ...) in bytes (the kernel
// reports kB); 0 when the field is missing.
inline uint64_t status_bytes(const std::string& field) {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(field + ":", 0) == 0) {
            std::istringstream s(line.substr(field.size() + 1));
            uint64_t kb = 0;
            s >> kb;
            return kb * 1024;
        }
    }
    return 0;
}

}  // namespace bitnet::test
