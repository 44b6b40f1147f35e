// SPDX-License-Identifier: MIT
// Shared pieces of the libFuzzer targets: a memory-backed file the readers can
// open by path (so the real open/fstat/mmap path is what gets fuzzed), and a
// trap that turns a broken invariant into a finding.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace bitnet::fuzz {

// A memfd whose contents are replaced for every input; path() names it through
// /proc/self/fd so GgufFile opens and maps it like any file.
class MemFile {
public:
    MemFile() : fd_(::memfd_create("bitnet-fuzz", MFD_CLOEXEC)) {
        if (fd_ < 0) {
            std::perror("memfd_create");
            std::abort();
        }
        path_ = "/proc/self/fd/" + std::to_string(fd_);
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;

    const std::string& write(const uint8_t* data, size_t size) {
        if (::ftruncate(fd_, 0) != 0 || ::ftruncate(fd_, static_cast<off_t>(size)) != 0) std::abort();
        for (size_t done = 0; done < size;) {
            const ssize_t n = ::pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
            if (n <= 0) std::abort();
            done += static_cast<size_t>(n);
        }
        return path_;
    }

private:
    int fd_;
    std::string path_;
};

// An accepted input broke a promise of the API: report it as a crash.
[[noreturn]] inline void invariant_failed(const char* what) {
    std::fprintf(stderr, "invariant failed: %s\n", what);
    std::abort();
}

#define BITNET_FUZZ_CHECK(cond) \
    do {                        \
        if (!(cond)) ::bitnet::fuzz::invariant_failed(#cond); \
    } while (0)

// A rejected file must say why in one line that starts with its path, as the
// CLI prints it.
#define BITNET_FUZZ_CHECK_FILE_ERROR(error, path)                       \
    do {                                                                \
        const std::string msg_ = (error).what();                        \
        BITNET_FUZZ_CHECK(msg_.rfind((path) + ": ", 0) == 0);           \
        BITNET_FUZZ_CHECK(msg_.find('\n') == std::string::npos);        \
    } while (0)

}  // namespace bitnet::fuzz
