// SPDX-License-Identifier: MIT
#include "process_facts.hpp"

#include <filesystem>
#include <fstream>

#include "build_info.hpp"

namespace bitnet::bench {

std::array<double, 3> load_average() {
    std::array<double, 3> v{};
    std::ifstream in("/proc/loadavg");
    in >> v[0] >> v[1] >> v[2];
    if (!in) v = {};
    return v;
}

bool reset_peak_rss() {
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

std::string build_commit() { return build::kGitCommit; }

std::string executable_dir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : exe.parent_path().string();
}

}  // namespace bitnet::bench
