// SPDX-License-Identifier: MIT
// Hostile plugins (built from bad/bad_plugin.c, one per directory): bitnet-run
// --list-backends must skip each with its exact one-line reason, exit 0 without
// a signal, and still load the build tree's plugins and pick a kernel per op.
#define BOOST_TEST_MODULE plugins_hostile
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <bitnet/kernel_plugin.h>
#include <elf.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::CommandResult;
using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const fs::path kBad = BITNET_TEST_BAD_PLUGIN_DIR;
const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="};

#if defined(__x86_64__)
const std::string kForeignFeature = "neon";
const std::string kForeignArch = "wrong architecture: built for aarch64, this host is x86_64";
#else
const std::string kForeignFeature = "avx2";
const std::string kForeignArch = "wrong architecture: built for x86_64, this host is aarch64";
#endif

const std::string kHostAbi = std::to_string(BITNET_KP_ABI_MAJOR) + "." + std::to_string(BITNET_KP_ABI_MINOR);

struct Case {
    std::string kind;
    std::string reason;
};
std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.kind; }

// Struct sizes of ABI 1.0 on LP64: the descriptor ends with the kernels pointer
// at offset 56, a kernel with the pack pointer at offset 48.
const std::vector<Case> kCases{
    {"no_entry", "not a plugin: missing symbol bitnet_kernel_plugin_entry"},
    {"entry_error", "entry point failed with status 3 (BITNET_KP_ERR_UNSUPPORTED)"},
    {"wrong_abi_status", "ABI mismatch: plugin refused host ABI " + kHostAbi},
    {"wrong_abi_descriptor", "ABI mismatch: plugin has ABI major 2, host 1"},
    {"null_descriptor", "entry returned OK but no descriptor"},
    {"small_descriptor", "descriptor struct_size 16 is smaller than ABI 1.0's 64"},
    {"small_kernel", "kernel struct_size 16 is smaller than ABI 1.0's 56"},
    {"null_kernels", "kernel table is NULL"},
    {"no_kernels", "plugin declares no kernels"},
    {"null_score", "descriptor has no score function"},
    {"score_zero", "cannot run here: plugin scored 0 on this CPU"},
    {"null_name", "invalid plugin name (want 1-64 chars of [a-z0-9_-])"},
    {"bad_vendor", "invalid vendor string"},
    {"null_kernel", "kernel test-bad.add.f32.ref: run function is NULL"},
    {"bad_kernel_id", "kernel #0: invalid id (want <= 128 chars of [a-z0-9_.-])"},
    {"null_id", "kernel #0: id is NULL"},
    {"empty_id", "kernel #0: id is empty"},
    {"long_id", "kernel #0: id is longer than 128 characters"},
    {"duplicate_id", "kernel test-bad.add.f32.ref: duplicate id"},
    // An op from a later ABI minor is skipped; with nothing else the plugin is useless.
    {"unknown_op", "no kernel for an op this host knows (ABI " + kHostAbi + ")"},
    {"million_kernels", "plugin declares 5000000 kernels (at most 4096)"},
    {"plugin_features", "cannot run here: needs " + kForeignFeature},
    {"kernel_features",
     "cannot run here: no kernel can run on this CPU (test-bad.add.f32.ref: needs " + kForeignFeature + ")"},
    {"not_elf", "not a plugin: not an ELF shared object"},
    {"foreign_arch", kForeignArch},
};

fs::path plugin_file(const std::string& kind) { return kBad / kind / ("libbitnet-" + kind + ".so"); }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

CommandResult list_backends(const std::vector<std::string>& plugin_dirs) {
    std::vector<std::string> args{"--list-backends"};
    for (const auto& d : plugin_dirs) args.insert(args.end(), {"--plugin-dir", d});
    return run_command(kRun, args, kCleanEnv);
}

// The listing's line for `file`; a file reported on more or fewer than one line fails.
std::string line_for(const CommandResult& r, const fs::path& file) {
    std::vector<std::string> hits;
    for (const auto& line : lines_of(r.out))
        if (line.find(file.string()) != std::string::npos) hits.push_back(line);
    BOOST_TEST(hits.size() == 1u, "lines naming " << file << ":\n" << r.out);
    return hits.empty() ? "" : hits.front();
}

// The build tree's plugins still load and every op still gets a kernel.
void expect_rest_loaded(const CommandResult& r) {
    BOOST_TEST(r.out.find("\n  cpu-scalar ") != std::string::npos, "cpu-scalar did not load:\n" << r.out);
    BOOST_TEST(r.out.find("kernels for --backend auto:") != std::string::npos, r.out);
    for (const char* op : {"i2s_gemv:", "i2s_gemm:", "quantize_i8:", "rmsnorm:", "rope_neox:", "attention:",
                           "relu2_gate:", "add:", "embed_f16:", "f16_matmul:"})
        BOOST_TEST(r.out.find("  " + std::string(op) + " ") != std::string::npos, "no kernel for " << op);
}

void expect_rejected(const CommandResult& r, const fs::path& file, const std::string& reason) {
    BOOST_TEST(!r.signaled, "killed by signal " << r.signal);
    BOOST_TEST(r.exit_code == 0, "stderr: " << r.err);
    const std::string line = line_for(r, file);
    // The name shows only when the descriptor was readable.
    const std::string bare = "  rejected: " + file.string() + ": " + reason;
    const std::string named = "  rejected: " + file.string() + " (test-bad): " + reason;
    BOOST_TEST((line == bare || line == named), "got:  " << line << "\nwant: " << bare);
    expect_rest_loaded(r);
}

struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "bitnet-plugins-XXXXXX").string();
        if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() { fs::remove_all(path); }
};

void write_bytes(const fs::path& p, const std::vector<uint8_t>& b) {
    std::ofstream(p, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

BOOST_DATA_TEST_CASE(each_hostile_plugin_is_skipped_with_its_reason, boost::unit_test::data::make(kCases), c) {
    const fs::path file = plugin_file(c.kind);
    if (!fs::exists(file)) {
        // Only the cross-built plugin is optional (no cross compiler installed).
        BOOST_REQUIRE_MESSAGE(c.kind == "foreign_arch", "missing test plugin " << file);
        BOOST_TEST_MESSAGE("skipped: no cross compiler built " << file);
        return;
    }
    const auto r = list_backends({(kBad / c.kind).string()});
    expect_rejected(r, fs::canonical(file), c.reason);
}

BOOST_AUTO_TEST_CASE(all_hostile_plugins_at_once_leave_the_good_ones_loaded) {
    std::vector<std::string> dirs;
    for (const auto& c : kCases)
        if (fs::exists(plugin_file(c.kind))) dirs.push_back((kBad / c.kind).string());
    const auto r = list_backends(dirs);
    BOOST_TEST(!r.signaled);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    for (const auto& c : kCases)
        if (fs::exists(plugin_file(c.kind))) {
            BOOST_TEST_CONTEXT(c.kind) {
                const std::string line = line_for(r, fs::canonical(plugin_file(c.kind)));
                BOOST_TEST(line.size() >= c.reason.size());
                BOOST_TEST((line.size() >= c.reason.size() &&
                            line.compare(line.size() - c.reason.size(), c.reason.size(), c.reason) == 0),
                           line);
            }
        }
    expect_rest_loaded(r);
}

BOOST_AUTO_TEST_CASE(kernel_needing_a_missing_feature_is_listed_as_skipped) {
    const fs::path file = fs::canonical(plugin_file("some_kernel_features"));
    const auto r = list_backends({file.parent_path().string()});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(line_for(r, file) == "  test-bad 0 (tests) score 1, 2 kernels: " + file.string());
    BOOST_TEST(r.out.find("\n    skipped kernel test-bad.relu2_gate.f32.ref: needs " + kForeignFeature + "\n") !=
                   std::string::npos,
               r.out);
    // The skipped kernel is never chosen, even for its own op.
    BOOST_TEST(r.out.find("relu2_gate: test-bad.") == std::string::npos, r.out);
    expect_rest_loaded(r);
}

BOOST_AUTO_TEST_CASE(elf_files_of_the_wrong_class_or_cut_short_are_rejected) {
    TempDir t;
    std::vector<uint8_t> header(EI_NIDENT, 0);
    std::copy(ELFMAG, ELFMAG + SELFMAG, header.begin());
    header[EI_CLASS] = ELFCLASS32;
    header[EI_DATA] = ELFDATA2LSB;
    header[EI_VERSION] = EV_CURRENT;
    auto elf32 = header;
    elf32.resize(sizeof(Elf32_Ehdr), 0);
    auto cut = header;
    cut[EI_CLASS] = ELFCLASS64;
    cut.resize(24, 0);  // the identification and a little more, not the whole header
    fs::create_directories(t.path / "elf32");
    fs::create_directories(t.path / "cut");
    write_bytes(t.path / "elf32" / "libbitnet-elf32.so", elf32);
    write_bytes(t.path / "cut" / "libbitnet-cut.so", cut);
    expect_rejected(list_backends({(t.path / "elf32").string()}),
                    fs::canonical(t.path / "elf32" / "libbitnet-elf32.so"), "not a plugin: not a 64-bit ELF object");
    expect_rejected(list_backends({(t.path / "cut").string()}), fs::canonical(t.path / "cut" / "libbitnet-cut.so"),
                    "not a plugin: truncated ELF header");
}

BOOST_AUTO_TEST_CASE(valid_test_plugin_loads_beside_the_build_plugins) {
    // The control: the same source without a defect is accepted.
    const fs::path file = fs::canonical(plugin_file("valid"));
    const auto r = list_backends({file.parent_path().string()});
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(line_for(r, file) == "  test-bad 0 (tests) score 1, 1 kernels: " + file.string());
    expect_rest_loaded(r);
}
