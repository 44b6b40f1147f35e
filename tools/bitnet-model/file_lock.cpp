// SPDX-License-Identifier: MIT
#include "file_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "bitnet/error.hpp"

namespace bitnet::model_tool {

FileLock::FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw Error(path.string() + ": cannot open lock file: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
    if (errno == EWOULDBLOCK && on_wait) on_wait();
    int rc = 0;
    while ((rc = ::flock(fd_, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) {
        const int err = errno;
        ::close(fd_);
        throw Error(path.string() + ": cannot lock: " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    // Closing releases the lock. The file stays: unlinking it would let a third
    // process lock a new inode while a second still waits on the old one.
    if (fd_ >= 0) ::close(fd_);
}

}  // namespace bitnet::model_tool
