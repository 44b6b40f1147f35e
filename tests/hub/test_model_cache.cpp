// SPDX-License-Identifier: MIT
// The model cache's names and paths: what OWNER/NAME:FILE means, where the cache
// is, and that no name can point outside it.
#define BOOST_TEST_MODULE hub_model_cache
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>

#include "bitnet/error.hpp"
#include "bitnet/hub.hpp"

namespace {

namespace fs = std::filesystem;
using namespace bitnet;

// Sets or clears an environment variable for one scope.
class EnvVar {
public:
    EnvVar(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value, 1);
        else ::unsetenv(name);
    }
    ~EnvVar() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

BOOST_AUTO_TEST_CASE(parses_repo_file_and_optional_revision) {
    auto r = hub::parse_model_ref("microsoft/bitnet-b1.58-2B-4T-gguf:ggml-model-i2_s.gguf");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->repo == "microsoft/bitnet-b1.58-2B-4T-gguf");
    BOOST_TEST(r->file == "ggml-model-i2_s.gguf");
    BOOST_TEST(r->revision == "main");
    r = hub::parse_model_ref("a/b@refs/pr/1:dir/x.gguf");
    BOOST_REQUIRE(r.has_value());
    BOOST_TEST(r->repo == "a/b");
    BOOST_TEST(r->revision == "refs/pr/1");
    BOOST_TEST(r->file == "dir/x.gguf");
    BOOST_TEST(hub::to_string(*r) == "a/b@refs/pr/1:dir/x.gguf");
}

BOOST_AUTO_TEST_CASE(paths_that_are_not_names_are_left_alone) {
    for (const char* s : {"model.gguf", "models/x.gguf", "./a/b:c", "/abs/a/b:c", "a b/c:d", "a/b/c:d", "a/b"})
        BOOST_TEST(!hub::parse_model_ref(s).has_value(), s);
}

BOOST_AUTO_TEST_CASE(rejects_names_that_would_leave_the_cache) {
    for (const char* s : {"a/b:../x", "a/b:x/../../y", "a/b:/etc/passwd", "a/b:", "a/b:x//y", "a/b@..:x",
                          "a/b@:x", "a/b:x\\y"})
        BOOST_CHECK_THROW(hub::parse_model_ref(s), Error);
    BOOST_CHECK_THROW(hub::check_repo_id(".."), Error);
    BOOST_CHECK_THROW(hub::check_repo_id("a/.."), Error);
}

BOOST_AUTO_TEST_CASE(cache_dir_prefers_bitnet_then_xdg_then_home) {
    EnvVar bitnet("BITNET_CACHE_DIR", "/tmp/b"), xdg("XDG_CACHE_HOME", "/tmp/x"), home("HOME", "/tmp/h");
    BOOST_TEST(hub::default_cache_dir() == fs::path("/tmp/b"));
    {
        EnvVar unset("BITNET_CACHE_DIR", nullptr);
        BOOST_TEST(hub::default_cache_dir() == fs::path("/tmp/x/bitnet/models"));
        EnvVar unset_xdg("XDG_CACHE_HOME", "");
        BOOST_TEST(hub::default_cache_dir() == fs::path("/tmp/h/.cache/bitnet/models"));
        EnvVar unset_home("HOME", nullptr);
        BOOST_CHECK_THROW(hub::default_cache_dir(), Error);
    }
}

BOOST_AUTO_TEST_CASE(cached_path_puts_a_revision_in_one_directory) {
    const auto p = hub::cached_file_path("/c", {"o/n", "sub/f.gguf", "refs/pr/2"});
    BOOST_TEST(p == fs::path("/c/o/n/refs%2Fpr%2F2/sub/f.gguf"));
}

BOOST_AUTO_TEST_CASE(model_argument_resolves_names_through_the_cache_only) {
    const fs::path cache = fs::temp_directory_path() / ("bitnet-cache-test-" + std::to_string(::getpid()));
    fs::remove_all(cache);
    EnvVar dir("BITNET_CACHE_DIR", cache.c_str());
    BOOST_TEST(hub::resolve_model_argument("plain.gguf") == "plain.gguf");  // not a name: the engine reports it
    try {
        hub::resolve_model_argument("o/n:m.gguf");
        BOOST_FAIL("a missing cached file resolved");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("bitnet-model pull o/n --file m.gguf") != std::string::npos, e.what());
    }
    fs::create_directories(cache / "o" / "n" / "main");
    std::ofstream(cache / "o" / "n" / "main" / "m.gguf") << "x";
    BOOST_TEST(hub::resolve_model_argument("o/n:m.gguf") == (cache / "o" / "n" / "main" / "m.gguf").string());
    fs::remove_all(cache);
}
