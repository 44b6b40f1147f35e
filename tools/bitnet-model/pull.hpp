// SPDX-License-Identifier: MIT
// `bitnet-model pull`: fetch one file, or every file, of a Hub repository into
// the model cache.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>

#include "download.hpp"
#include "progress.hpp"

namespace bitnet::model_tool {

struct PullOptions {
    std::string repo;                    // OWNER/NAME
    std::optional<std::string> file;     // absent: every file the repository lists
    std::string revision{"main"};
    std::optional<std::string> sha256;   // only with a file
    std::filesystem::path cache_dir;
    std::string endpoint;                // no trailing '/'
    std::string token;                   // HF_TOKEN
    bool offline{false};
    bool force{false};
    RetryPolicy retry;
    ProgressStyle progress{ProgressStyle::Lines};
};

// Prints the cached path (a file, or the revision's directory for a whole
// repository) on out, messages on log. Throws bitnet::Error.
void run_pull(const PullOptions& opt, std::ostream& out, std::ostream& log);

// {endpoint}/{repo}/resolve/{revision}/{file}
std::string resolve_url(const std::string& endpoint, const std::string& repo, const std::string& revision,
                        const std::string& file);

}  // namespace bitnet::model_tool
