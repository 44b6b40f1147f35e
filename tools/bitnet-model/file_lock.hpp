// SPDX-License-Identifier: MIT
// An exclusive advisory lock (flock) on a lock file, so two pulls of the same
// file in different processes take turns instead of writing the same .part.
#pragma once

#include <filesystem>
#include <functional>

namespace bitnet::model_tool {

class FileLock {
public:
    // Creates the lock file if needed and blocks until the lock is ours; when
    // another process holds it, calls on_wait once before blocking. Throws
    // bitnet::Error when the file cannot be opened or locked.
    FileLock(const std::filesystem::path& path, const std::function<void()>& on_wait);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_{-1};
};

}  // namespace bitnet::model_tool
