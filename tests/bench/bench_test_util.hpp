// SPDX-License-Identifier: MIT
// Shared by the bitnet-bench tests: tool paths, a scratch directory removed at
// exit, a small workload on the tiny synthetic preset, and JSON reading.
#pragma once

#include <unistd.h>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "run_command.hpp"

namespace bitnet::test {

namespace fs = std::filesystem;

inline const std::string kBench = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-bench";
inline const std::string kReceiptTool = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-receipt";
inline const std::string kGguf = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-gguf";
inline const std::string kProxyDir = BITNET_TEST_PROXY_DIR;

// Only the build tree's plugins and no determinism switches, whatever the
// caller's environment says.
inline const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA=",
                                                "BITNET_DETERMINISTIC=", "BITNET_SEED="};

// kCleanEnv with some of its variables set instead of cleared.
inline std::vector<std::string> env_with(const std::vector<std::string>& set) {
    std::vector<std::string> env;
    auto name = [](const std::string& e) { return e.substr(0, e.find('=')); };
    for (const auto& e : kCleanEnv) {
        bool replaced = false;
        for (const auto& s : set) replaced = replaced || name(s) == name(e);
        if (!replaced) env.push_back(e);
    }
    env.insert(env.end(), set.begin(), set.end());
    return env;
}

class ScratchDir {
public:
    explicit ScratchDir(const std::string& name)
        : path_(fs::temp_directory_path() / ("bitnet-bench-test-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

inline boost::json::value read_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return boost::json::parse(s.str());
}

inline void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

inline void write_json(const std::string& path, const boost::json::value& v) {
    write_text(path, boost::json::serialize(v));
}

// The tiny preset (a 1 MB file made in a blink) with the synth's own
// vocabulary; 12 greedy tokens, two repetitions.
inline boost::json::object tiny_workload(uint64_t model_seed = 3) {
    return {{"workload_version", 1},
            {"name", "tiny-test"},
            {"model", boost::json::object{{"preset", "tiny"}, {"seed", model_seed}}},
            {"prompts", boost::json::array{boost::json::object{{"text", "The capital of France is"}, {"n_predict", 12}}}},
            {"threads", boost::json::array{2}},
            {"sampling", boost::json::object{{"temperature", 0}, {"seed", 42}}},
            {"ignore_eos", true},
            {"repetitions", 2}};
}

inline std::vector<int64_t> generated_ids(const boost::json::value& receipt) {
    std::vector<int64_t> ids;
    for (const auto& id : receipt.at("tokens").at("generated_ids").as_array()) ids.push_back(id.to_number<int64_t>());
    return ids;
}

}  // namespace bitnet::test
