// SPDX-License-Identifier: MIT
// The local model cache that `bitnet-model pull` fills from the Hugging Face Hub,
// and the `OWNER/NAME:FILE` names that point into it. Nothing here touches the
// network: resolving a name either finds the cached file or says how to pull it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace bitnet::hub {

// One file of one Hub repository at one revision.
struct ModelRef {
    std::string repo;             // "owner/name"
    std::string file;             // path inside the repository, '/'-separated
    std::string revision{"main"}; // branch, tag or commit
};

// Throw bitnet::Error naming what is wrong: repo must be OWNER/NAME of letters,
// digits, '-', '_', '.' (no "." or ".." part); file a relative path without
// empty, "." or ".." segments or a backslash; revision non-empty, no "..", no
// control characters. They keep every cache path inside the cache directory.
void check_repo_id(std::string_view repo);
void check_repo_file(std::string_view file);
void check_revision(std::string_view revision);

// Parses "OWNER/NAME:FILE" or "OWNER/NAME@REVISION:FILE". Returns nullopt when
// text does not have that shape (so a plain path is never mistaken for one);
// throws bitnet::Error when it has the shape but a component is unsafe.
std::optional<ModelRef> parse_model_ref(std::string_view text);

// "owner/name:file", with "@revision" when it is not main.
std::string to_string(const ModelRef& ref);

// The cache root: BITNET_CACHE_DIR, else $XDG_CACHE_HOME/bitnet/models, else
// $HOME/.cache/bitnet/models. Throws bitnet::Error when none can be formed.
std::filesystem::path default_cache_dir();

// Where ref lives in the cache: <cache>/<owner>/<name>/<revision>/<file>, with
// '/' in the revision written as "%2F" so a revision is one directory.
std::filesystem::path cached_file_path(const std::filesystem::path& cache_dir, const ModelRef& ref);

// The cached file of ref; throws bitnet::Error saying it is not in the cache
// and giving the `bitnet-model pull` command that would fetch it.
std::filesystem::path resolve_cached(const std::filesystem::path& cache_dir, const ModelRef& ref);

// For a -m argument: an existing file, or anything that is not OWNER/NAME:FILE,
// comes back unchanged; a name is resolved through default_cache_dir() (never
// downloaded) or throws as resolve_cached does.
std::string resolve_model_argument(const std::string& arg);

}  // namespace bitnet::hub
