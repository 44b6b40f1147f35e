// SPDX-License-Identifier: MIT
// Where plugins may come from: never a relative (current-directory) path, never
// a directory or file that users other than its owner and root can write,
// unless --allow-insecure-plugin-dir says so (and the listing says it did);
// symlinks are resolved before anything is checked or loaded.
#define BOOST_TEST_MODULE plugins_search_path
#include <boost/test/unit_test.hpp>

#include <grp.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::CommandResult;
using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const fs::path kValid = fs::path(BITNET_TEST_BAD_PLUGIN_DIR) / "valid" / "libbitnet-valid.so";
const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="};
const std::string kOverride = "--allow-insecure-plugin-dir";

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "bitnet-search-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = fs::canonical(tmpl);
    }
    ~TempDir() { fs::remove_all(path); }
    // A directory holding a copy of the valid test plugin, mode 0755, file 0644.
    fs::path plugin_dir(const std::string& name) const {
        fs::path d = path / name;
        fs::create_directories(d);
        fs::permissions(d, fs::perms(0755));
        fs::copy_file(kValid, d / "libbitnet-valid.so");
        fs::permissions(d / "libbitnet-valid.so", fs::perms(0644));
        return d;
    }
};

CommandResult list_backends(const std::vector<std::string>& extra, const std::vector<std::string>& env = kCleanEnv) {
    std::vector<std::string> args{"--list-backends"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_command(kRun, args, env);
}

bool has_line(const CommandResult& r, const std::string& line) {
    std::istringstream in(r.out);
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

bool loaded(const CommandResult& r, const fs::path& file) {
    return has_line(r, "  test-bad 0 (tests) score 1, 1 kernels: " + file.string());
}

}  // namespace

BOOST_AUTO_TEST_CASE(world_writable_directory_is_refused_and_the_override_says_so) {
    TempDir t;
    const fs::path d = t.plugin_dir("open");
    fs::permissions(d, fs::perms(0777));
    const auto refused = list_backends({"--plugin-dir", d.string()});
    BOOST_REQUIRE_EQUAL(refused.exit_code, 0);
    BOOST_TEST(has_line(refused, "note: plugin directory " + d.string() + ": refused, it is world-writable"),
               refused.out);
    BOOST_TEST(!loaded(refused, d / "libbitnet-valid.so"), refused.out);

    const auto allowed = list_backends({"--plugin-dir", d.string(), kOverride});
    BOOST_REQUIRE_EQUAL(allowed.exit_code, 0);
    BOOST_TEST(has_line(allowed, "note: --allow-insecure-plugin-dir: plugin directories and files that other users "
                                 "can write are searched and loaded"),
               allowed.out);
    BOOST_TEST(has_line(allowed, "note: plugin directory " + d.string() +
                                     ": it is world-writable; used anyway (--allow-insecure-plugin-dir)"),
               allowed.out);
    BOOST_TEST(loaded(allowed, d / "libbitnet-valid.so"), allowed.out);
}

BOOST_AUTO_TEST_CASE(world_writable_plugin_file_is_refused_unless_overridden) {
    TempDir t;
    const fs::path d = t.plugin_dir("dir");
    const fs::path f = d / "libbitnet-valid.so";
    fs::permissions(f, fs::perms(0666));
    const auto refused = list_backends({"--plugin-dir", d.string()});
    BOOST_TEST(has_line(refused, "  rejected: " + f.string() + ": refused: it is world-writable"), refused.out);
    const auto allowed = list_backends({"--plugin-dir", d.string(), kOverride});
    BOOST_TEST(has_line(allowed, "note: plugin " + f.string() +
                                     ": it is world-writable; loaded anyway (--allow-insecure-plugin-dir)"),
               allowed.out);
    BOOST_TEST(loaded(allowed, f), allowed.out);
}

BOOST_AUTO_TEST_CASE(directory_writable_by_another_group_is_refused) {
    TempDir t;
    const fs::path d = t.plugin_dir("grp");
    // nogroup exists on Debian; the current user is not in it and it is not a
    // private group of the owner.
    const struct group* g = ::getgrnam("nogroup");
    if (!g || ::chown(d.c_str(), static_cast<uid_t>(-1), g->gr_gid) != 0) {
        BOOST_TEST_MESSAGE("skipped: cannot give the directory to group nogroup");
        return;
    }
    fs::permissions(d, fs::perms(0775));
    const auto r = list_backends({"--plugin-dir", d.string()});
    BOOST_TEST(has_line(r, "note: plugin directory " + d.string() + ": refused, it is writable by group nogroup"),
               r.out);
    BOOST_TEST(!loaded(r, d / "libbitnet-valid.so"), r.out);
    // Group-writable by root's group is fine: only root could be in it.
    BOOST_REQUIRE(::chown(d.c_str(), static_cast<uid_t>(-1), 0) == 0 || ::geteuid() != 0);
    if (::geteuid() == 0) {
        const auto ok = list_backends({"--plugin-dir", d.string()});
        BOOST_TEST(loaded(ok, d / "libbitnet-valid.so"), ok.out);
    }
}

BOOST_AUTO_TEST_CASE(directory_owned_by_another_user_is_refused) {
    TempDir t;
    const fs::path d = t.plugin_dir("theirs");
    if (::geteuid() != 0 || ::chown(d.c_str(), 65534, static_cast<gid_t>(-1)) != 0) {
        BOOST_TEST_MESSAGE("skipped: only root can give a directory to another user");
        return;
    }
    const auto r = list_backends({"--plugin-dir", d.string()});
    BOOST_TEST(has_line(r, "note: plugin directory " + d.string() +
                               ": refused, it is owned by uid 65534, neither root nor the current user"),
               r.out);
    BOOST_TEST(!loaded(r, d / "libbitnet-valid.so"), r.out);
}

BOOST_AUTO_TEST_CASE(relative_directories_are_refused_and_the_current_directory_is_never_searched) {
    TempDir t;
    const fs::path d = t.plugin_dir("cwd");
    // Run from inside a directory holding a valid plugin, naming it every way
    // that means "here".
    const std::string cmd = "cd '" + d.string() + "' && exec '" + kRun +
                            "' --list-backends --plugin-dir . --plugin-dir ''";
    const auto r = run_command("/bin/sh", {"-c", cmd}, {"BITNET_PLUGIN_PATH=:.:plugins", "BITNET_MAX_CPU_ISA="});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(has_line(r, "note: plugin directory .: refused, a relative path depends on the current directory"),
               r.out);
    BOOST_TEST(has_line(r, "note: plugin directory plugins: refused, a relative path depends on the current directory"),
               r.out);
    BOOST_TEST(r.out.find("libbitnet-valid.so") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("\n  cpu-scalar ") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(symlinked_plugins_are_reported_and_checked_at_their_real_path) {
    TempDir t;
    const fs::path real = t.plugin_dir("real");
    const fs::path links = t.path / "links";
    fs::create_directories(links);
    fs::permissions(links, fs::perms(0755));
    fs::create_symlink(real / "libbitnet-valid.so", links / "libbitnet-alias.so");
    // Found through the link and again directly: loaded once, under its real name.
    const auto r = list_backends({"--plugin-dir", links.string(), "--plugin-dir", real.string()});
    BOOST_TEST(loaded(r, real / "libbitnet-valid.so"), r.out);
    BOOST_TEST(r.out.find("libbitnet-alias.so") == std::string::npos, r.out);
    BOOST_TEST(r.out.find("duplicate of plugin") == std::string::npos, r.out);

    // A link from a safe directory into an unsafe one does not launder the file.
    fs::permissions(real, fs::perms(0777));
    const auto unsafe = list_backends({"--plugin-dir", links.string()});
    BOOST_TEST(has_line(unsafe, "  rejected: " + (real / "libbitnet-valid.so").string() + ": refused: its directory " +
                                    real.string() + " is unsafe (it is world-writable)"),
               unsafe.out);
}
