// SPDX-License-Identifier: MIT
#include "model_source.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "bitnet/error.hpp"
#include "bitnet/sha256.hpp"
#include "process_facts.hpp"
#include "spawn.hpp"

namespace bitnet::bench {
namespace {

namespace fs = std::filesystem;

fs::path default_model_dir() {
    if (const char* v = std::getenv("BITNET_MODEL_CACHE"); v && *v) return v;
    if (const char* v = std::getenv("XDG_CACHE_HOME"); v && *v) return fs::path(v) / "bitnet-runtime" / "models";
    if (const char* v = std::getenv("HOME"); v && *v) return fs::path(v) / ".cache" / "bitnet-runtime" / "models";
    throw Error("no model cache directory: pass --model-dir or --model");
}

std::string synthesise(const Workload& w, const fs::path& dir) {
    const fs::path out = dir / w.model_file_name();
    if (fs::exists(out)) return out.string();
    fs::create_directories(dir);
    const std::string tool = (fs::path(executable_dir()) / "bitnet-gguf").string();
    // Written under a temporary name first, so an interrupted synth never leaves
    // a truncated file that a later run would take for the model.
    const fs::path tmp = dir / (w.model_file_name() + ".tmp" + std::to_string(::getpid()));
    std::vector<std::string> args{"synth", "--preset", w.model.preset, "--seed", std::to_string(w.model.seed),
                                  "--out", tmp.string()};
    if (!w.model.vocab.empty()) args.insert(args.end(), {"--vocab", w.model.vocab});
    std::cerr << "bitnet-bench: synthesising " << out.string() << " with " << tool << "\n";
    const int rc = run_program(tool, args);
    if (rc != 0) {
        fs::remove(tmp);
        throw Error("bitnet-gguf synth failed (exit " + std::to_string(rc) + ")");
    }
    fs::rename(tmp, out);
    return out.string();
}

}  // namespace

ModelSource resolve_model(const Workload& w, const std::optional<std::string>& explicit_model,
                          const std::optional<std::string>& model_dir) {
    ModelSource m;
    m.path = explicit_model ? *explicit_model : synthesise(w, model_dir ? fs::path(*model_dir) : default_model_dir());
    std::error_code ec;
    m.size_bytes = fs::file_size(m.path, ec);
    if (ec) throw Error(m.path + ": " + ec.message());
    if (w.model.size_bytes && *w.model.size_bytes != m.size_bytes)
        throw Error(m.path + " is " + std::to_string(m.size_bytes) + " bytes but workload " + w.path + " pins " +
                    std::to_string(*w.model.size_bytes) + " (preset " + w.model.preset + ", seed " +
                    std::to_string(w.model.seed) + "): not the workload's model");
    if (w.model.sha256) {
        std::cerr << "bitnet-bench: hashing " << m.path << "\n";
        m.sha256 = util::sha256_file_hex(m.path);
        if (m.sha256 != *w.model.sha256)
            throw Error(m.path + " has SHA-256 " + m.sha256 + " but workload " + w.path + " pins " + *w.model.sha256 +
                        ": not the workload's model");
    }
    return m;
}

}  // namespace bitnet::bench
