// SPDX-License-Identifier: MIT
// bitnet-plugin-check as a plugin author meets it: every shipped plugin passes,
// and every plugin broken on purpose fails with its reason named.
#define BOOST_TEST_MODULE sdk_plugin_check
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sstream>

#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::CommandResult;
using bitnet::test::run_command;

const std::string kCheck = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-plugin-check";
const fs::path kShipped = BITNET_TEST_PLUGIN_DIR;
const fs::path kBad = BITNET_TEST_BAD_PLUGIN_DIR;         // tests/plugins/bad
const fs::path kBroken = BITNET_TEST_CHECKER_PLUGIN_DIR;  // tests/sdk/broken_plugins

fs::path plugin_in(const fs::path& dir, const std::string& kind) {
    return dir / kind / ("libbitnet-" + kind + ".so");
}
fs::path broken(const std::string& kind) { return kBroken / kind / ("libbitnet-checker-" + kind + ".so"); }

CommandResult check(const std::vector<std::string>& args) {
    return run_command(kCheck, args, {"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="});
}

// The lines of `out` that start with `label`.
std::vector<std::string> lines_with(const std::string& out, const std::string& label) {
    std::vector<std::string> found;
    std::istringstream in(out);
    for (std::string line; std::getline(in, line);)
        if (line.rfind(label, 0) == 0) found.push_back(line);
    return found;
}

void expect_failure(const fs::path& plugin, const std::string& reason) {
    auto r = check({"--quick", plugin.string()});
    BOOST_TEST_INFO(plugin << "\n" << r.out << r.err);
    BOOST_TEST(r.exit_code == 1);
    bool named = false;
    for (const auto& line : lines_with(r.out, "FAIL")) named |= line.find(reason) != std::string::npos;
    BOOST_TEST(named, "no FAIL line names: " << reason);
    BOOST_TEST(r.out.find("result: FAIL") != std::string::npos);
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_shipped_plugin_passes) {
    int checked = 0;
    for (const auto& e : fs::directory_iterator(kShipped)) {
        if (e.path().extension() != ".so") continue;
        ++checked;
        auto r = check({e.path().string()});
        BOOST_TEST_INFO(e.path() << "\n" << r.out << r.err);
        BOOST_TEST(r.exit_code == 0);
        BOOST_TEST(lines_with(r.out, "FAIL").empty());
        BOOST_TEST(lines_with(r.out, "WARN").empty());
        BOOST_TEST(r.out.find("result: PASS") != std::string::npos);
        // Every kernel this CPU can run was compared with cpu-scalar.
        BOOST_TEST((lines_with(r.out, "PASS").size() + lines_with(r.out, "SKIP").size()) > 0u);
    }
    BOOST_TEST(checked >= 1);
    BOOST_TEST(fs::exists(kShipped / "libbitnet-cpu-scalar.so"));
}

BOOST_AUTO_TEST_CASE(a_correct_test_plugin_passes_so_the_failures_below_are_the_breakage) {
    auto r = check({"--quick", broken("correct").string()});
    BOOST_TEST_INFO(r.out << r.err);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(lines_with(r.out, "PASS").size() == 2u);
}

BOOST_AUTO_TEST_CASE(abi_breakage_is_named) {
    expect_failure(plugin_in(kBad, "wrong_abi_status"), "ABI mismatch: refused this host's ABI");
    expect_failure(plugin_in(kBad, "wrong_abi_descriptor"), "descriptor reports ABI major");
    expect_failure(broken("accepts_any_abi"), "must return BITNET_KP_ERR_ABI");
    expect_failure(plugin_in(kBad, "no_entry"), "does not export bitnet_kernel_plugin_entry");
}

BOOST_AUTO_TEST_CASE(descriptor_breakage_is_named) {
    expect_failure(broken("bad_struct_size"), "struct_size differs from kernel #0's");
    expect_failure(broken("duplicate_ids"), "checker-broken.i2s_gemv.i8.ref: duplicate id");
    expect_failure(plugin_in(kBad, "null_kernel"), "run function is NULL");
    expect_failure(plugin_in(kBad, "bad_kernel_id"), "invalid id");
    expect_failure(broken("extra_export"), "checker_broken_helper");
    expect_failure(broken("score_ignores_features"), "on a CPU without its required features");
}

// Every hostile plugin of tests/plugins that breaks a rule the registry enforces
// fails the check too. (Their "valid" kind loads but its kernel computes
// nothing, so the checker fails it on results; the kinds that merely cannot run
// here are left out.)
BOOST_AUTO_TEST_CASE(every_rule_breaking_hostile_plugin_fails) {
    const std::vector<std::string> breaking{"no_entry",     "entry_error",     "wrong_abi_status", "wrong_abi_descriptor",
                                            "null_descriptor", "small_descriptor", "small_kernel",  "null_kernels",
                                            "no_kernels",   "null_score",      "null_name",        "bad_vendor",
                                            "null_kernel",  "bad_kernel_id",   "null_id",          "empty_id",
                                            "long_id",      "duplicate_id",    "million_kernels"};
    for (const auto& kind : breaking) {
        if (!fs::exists(plugin_in(kBad, kind))) continue;  // a kind the hostile set no longer builds
        auto r = check({"--quick", plugin_in(kBad, kind).string()});
        BOOST_TEST_INFO(kind << "\n" << r.out << r.err);
        BOOST_TEST(r.exit_code == 1);
        BOOST_TEST(!lines_with(r.out, "FAIL").empty());
    }
}

BOOST_AUTO_TEST_CASE(wrong_results_are_named_with_the_shape) {
    // Correct everywhere except at K = 2560: only the parity shapes find it.
    auto r = check({"--quick", broken("gemv_off_by_one").string()});
    BOOST_TEST_INFO(r.out);
    BOOST_TEST(r.exit_code == 1);
    auto fails = lines_with(r.out, "FAIL");
    BOOST_REQUIRE(!fails.empty());
    BOOST_TEST(fails[0].find("checker-broken.i2s_gemv.i8.ref") != std::string::npos);
    BOOST_TEST(fails[0].find("k=2560") != std::string::npos);
    BOOST_TEST(fails[0].find("differs from cpu-scalar") != std::string::npos);
    expect_failure(broken("split_dependent"), "depends on the row split");
}

BOOST_AUTO_TEST_CASE(world_writable_copy_fails_like_the_runtime_refuses_it) {
    const fs::path dir = fs::temp_directory_path() / ("bitnet-check-ww-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path copy = dir / "libbitnet-checker-correct.so";
    fs::copy_file(broken("correct"), copy, fs::copy_options::overwrite_existing);
    fs::permissions(copy, fs::perms::others_write, fs::perm_options::add);
    expect_failure(copy, "world-writable");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(reference_must_be_cpu_scalar) {
    auto r = check({"--quick", "--scalar", broken("correct").string(), broken("correct").string()});
    BOOST_TEST_INFO(r.out);
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.out.find("is plugin checker-broken, not cpu-scalar") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(usage_errors_exit_2_and_missing_files_fail) {
    auto none = check({});
    BOOST_TEST(none.exit_code == 2);
    BOOST_TEST(none.err.find("error: no plugin file given") != std::string::npos);
    auto missing = check({"/nonexistent/libbitnet-x.so"});
    BOOST_TEST(missing.exit_code == 1);
    BOOST_TEST(missing.out.find("FAIL file: cannot stat") != std::string::npos);
    auto help = check({"--help"});
    BOOST_TEST(help.exit_code == 0);
    BOOST_TEST(help.out.find("Usage: bitnet-plugin-check") != std::string::npos);
}
