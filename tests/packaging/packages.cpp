// SPDX-License-Identifier: MIT
// The .deb and .rpm packages as a user meets them: built by CPack in a tree
// configured for /usr (build_packages.cmake, once for all cases), then listed,
// linted, extracted into a temporary root and run from there with no
// environment variable pointing anywhere.
#define BOOST_TEST_MODULE packaging
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <map>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "../server/http_client.hpp"
#include "../server/server_process.hpp"
#include "reference_data.hpp"
#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::CommandResult;
using bitnet::test::run_command;

const fs::path kWork = BITNET_TEST_PACKAGING_WORK_DIR;
const std::string kVersion = BITNET_TEST_PROJECT_VERSION;
const std::string kMultiarch = BITNET_TEST_MULTIARCH;
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
const std::string kRuntime = "bitnet-runtime", kPlugins = "bitnet-runtime-plugins", kDev = "bitnet-runtime-dev";
// Nothing from the caller's environment may help the extracted tree.
const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA=", "LD_LIBRARY_PATH="};

std::string libdir_deb() { return kMultiarch.empty() ? "usr/lib" : "usr/lib/" + kMultiarch; }

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

CommandResult run_tool(const std::string& name, const std::vector<std::string>& args) {
    for (const char* dir : {"/usr/bin/", "/bin/", "/usr/sbin/"})
        if (fs::exists(std::string(dir) + name)) return run_command(std::string(dir) + name, args);
    CommandResult r;
    r.err = name + " is not installed (scripts/setup-debian.sh installs it)";
    return r;
}

// Builds the packages once, then extracts each .deb into x/<package> and the
// runtime and plugins packages together into root/.
struct Packages {
    Packages() {
        build = run_command(BITNET_TEST_CMAKE,
                            {"-DSOURCE_DIR=" + std::string(BITNET_TEST_SOURCE_DIR), "-DWORK_DIR=" + kWork.string(),
                             "-DGENERATOR=" + std::string(BITNET_TEST_CMAKE_GENERATOR),
                             "-DC_COMPILER=" + std::string(BITNET_TEST_C_COMPILER),
                             "-DCXX_COMPILER=" + std::string(BITNET_TEST_CXX_COMPILER), "-DMULTIARCH=" + kMultiarch,
                             "-P", BITNET_TEST_PACKAGING_SCRIPT});
        if (build.exit_code != 0) return;
        fs::remove_all(kWork / "x");
        fs::remove_all(kWork / "root");
        for (const auto& e : fs::directory_iterator(kWork / "deb")) {
            auto name = run_tool("dpkg-deb", {"-f", e.path().string(), "Package"});
            std::string pkg = name.out.substr(0, name.out.find('\n'));
            debs[pkg] = e.path();
            fs::create_directories(kWork / "x" / pkg);
            fs::create_directories(kWork / "root");
            run_tool("dpkg-deb", {"-x", e.path().string(), (kWork / "x" / pkg).string()});
            if (pkg != kDev) run_tool("dpkg-deb", {"-x", e.path().string(), (kWork / "root").string()});
        }
        for (const auto& e : fs::directory_iterator(kWork / "rpm")) {
            auto name = run_tool("rpm", {"-qp", "--qf", "%{NAME}", e.path().string()});
            rpms[name.out] = e.path();
        }
    }
    static inline CommandResult build;
    static inline std::map<std::string, fs::path> debs, rpms;
};
BOOST_TEST_GLOBAL_FIXTURE(Packages);

void require_packages() {
    BOOST_TEST_INFO("build_packages.cmake (log in " << (kWork / "log.txt") << "):\n"
                                                    << Packages::build.out << Packages::build.err);
    BOOST_REQUIRE_EQUAL(Packages::build.exit_code, 0);
    BOOST_REQUIRE_EQUAL(Packages::debs.size(), 3u);
    BOOST_REQUIRE_EQUAL(Packages::rpms.size(), 3u);
}

// Plugin files the packaging tree built: exactly what the plugins package must hold.
std::set<std::string> built_plugins() {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(kWork / "tree" / "plugins"))
        if (e.path().extension() == ".so") out.insert(e.path().filename().string());
    return out;
}

std::set<std::string> files_in(const fs::path& dir) {
    std::set<std::string> out;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

std::string deb_field(const std::string& pkg, const std::string& field) {
    auto r = run_tool("dpkg-deb", {"-f", Packages::debs.at(pkg).string(), field});
    return r.out.substr(0, r.out.find_last_not_of('\n') + 1);
}

// Package names in a Depends field, without versions.
std::set<std::string> depends_names(const std::string& depends) {
    std::set<std::string> out;
    std::istringstream in(depends);
    for (std::string item; std::getline(in, item, ',');) {
        item.erase(0, item.find_first_not_of(' '));
        out.insert(item.substr(0, item.find_first_of(" (")));
    }
    return out;
}

std::vector<std::string> needed_libraries(const fs::path& elf) {
    std::vector<std::string> out;
    auto r = run_tool("readelf", {"-d", elf.string()});
    for (const auto& line : lines_of(r.out)) {
        auto open = line.find("Shared library: [");
        if (open != std::string::npos) out.push_back(line.substr(open + 17, line.find(']', open) - open - 17));
    }
    return out;
}

// The Debian packages on this machine that ship <multiarch dir>/<soname>, for
// each soname (one dpkg query for all of them: each costs about a second).
std::map<std::string, std::string> owners_of(const std::set<std::string>& sonames) {
    std::vector<std::string> args{"-S"};
    args.insert(args.end(), sonames.begin(), sonames.end());
    auto r = run_tool("dpkg", args);
    std::map<std::string, std::string> out;
    for (const auto& line : lines_of(r.out)) {
        auto colon_space = line.find(": ");
        if (colon_space == std::string::npos) continue;
        const fs::path path = line.substr(colon_space + 2);
        const std::string soname = path.filename().string();
        if (!sonames.count(soname) || path.parent_path().filename() != kMultiarch) continue;
        std::string pkg = line.substr(0, colon_space);
        out[soname] = pkg.substr(0, pkg.find(':'));  // drop ":amd64"
    }
    return out;
}

// Every library an ELF file of `pkg` needs comes from the package itself or
// from a package its Depends names.
void check_depends_cover_needed_libraries(const std::string& pkg) {
    const auto depends = depends_names(deb_field(pkg, "Depends"));
    std::set<std::string> own;
    for (const auto& e : fs::recursive_directory_iterator(kWork / "x" / pkg)) own.insert(e.path().filename().string());
    std::vector<std::pair<std::string, std::string>> needs;  // file, soname
    for (const auto& e : fs::recursive_directory_iterator(kWork / "x" / pkg)) {
        if (!e.is_regular_file() || e.is_symlink()) continue;
        const std::string name = e.path().filename().string();
        if (!name.ends_with(".so") && name.find(".so.") == std::string::npos &&
            e.path().parent_path().filename() != "bin")
            continue;
        for (const auto& soname : needed_libraries(e.path()))
            if (!own.count(soname)) needs.emplace_back(name, soname);
    }
    BOOST_TEST(!needs.empty());
    std::set<std::string> sonames;
    for (const auto& [file, soname] : needs) sonames.insert(soname);
    const auto owners = owners_of(sonames);
    for (const auto& [file, soname] : needs) {
        BOOST_TEST_INFO(pkg << ": " << file << " needs " << soname);
        BOOST_REQUIRE(owners.count(soname) == 1);
        BOOST_TEST(depends.count(owners.at(soname)) == 1, "Depends of " << pkg << " lacks " << owners.at(soname));
    }
}

}  // namespace

BOOST_AUTO_TEST_CASE(three_deb_components_at_the_project_version) {
    require_packages();
    for (const auto& pkg : {kRuntime, kPlugins, kDev}) {
        BOOST_REQUIRE(Packages::debs.count(pkg));
        BOOST_TEST(deb_field(pkg, "Version") == kVersion);
        BOOST_TEST(Packages::debs.at(pkg).filename().string().starts_with(pkg + "_" + kVersion + "_"));
    }
    BOOST_TEST(deb_field(kRuntime, "Depends").find(kPlugins + " (= " + kVersion + ")") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(plugins_deb_holds_every_built_plugin_in_the_multiarch_plugin_dir) {
    require_packages();
    const fs::path x = kWork / "x" / kPlugins;
    BOOST_TEST(files_in(x / libdir_deb() / "bitnet" / "plugins") == built_plugins());
    BOOST_TEST(built_plugins().count("libbitnet-cpu-scalar.so") == 1);
    BOOST_TEST(files_in(x / libdir_deb()) == std::set<std::string>{"bitnet"});
}

BOOST_AUTO_TEST_CASE(runtime_and_dev_debs_hold_their_parts) {
    require_packages();
    const fs::path rt = kWork / "x" / kRuntime, dev = kWork / "x" / kDev;
    BOOST_TEST(fs::is_regular_file(rt / "usr/bin/bitnet-run"));
    BOOST_TEST(fs::exists(rt / libdir_deb() / "libbitnet.so.0"));
    BOOST_TEST(fs::is_regular_file(dev / "usr/include/bitnet/kernel_plugin.h"));
    for (const char* f : {"BitNetSDKConfig.cmake", "BitNetSDKConfigVersion.cmake", "BitNetSDKTargets.cmake",
                          "BitNetSDKPlugin.cmake"})
        BOOST_TEST(fs::is_regular_file(dev / libdir_deb() / "cmake/BitNetSDK" / f), f);
    BOOST_TEST(fs::is_regular_file(dev / "usr/share/bitnet/sdk/examples/gemv-k2560/CMakeLists.txt"));
    for (const auto& pkg : {kRuntime, kPlugins, kDev})
        BOOST_TEST(fs::is_regular_file(kWork / "x" / pkg / "usr/share/doc" / pkg / "copyright"), pkg);
}

BOOST_AUTO_TEST_CASE(every_installed_executable_has_a_man_page) {
    require_packages();
    const fs::path rt = kWork / "x" / kRuntime;
    const auto tools = files_in(rt / "usr/bin");
    BOOST_TEST(tools.count("bitnet-run") == 1);
    for (const auto& tool : tools) {
        const fs::path page = rt / "usr/share/man/man1" / (tool + ".1.gz");
        BOOST_TEST_INFO(tool);
        BOOST_REQUIRE(fs::is_regular_file(page));
        auto text = run_tool("gzip", {"-dc", page.string()});
        BOOST_TEST(text.out.find(".SH NAME\n" + tool) != std::string::npos);
        BOOST_TEST(text.out.find(".SH DESCRIPTION") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(deb_depends_name_the_debian_packages_of_every_needed_library) {
    require_packages();
    check_depends_cover_needed_libraries(kRuntime);
    check_depends_cover_needed_libraries(kPlugins);
}

BOOST_AUTO_TEST_CASE(lintian_reports_no_errors) {
    require_packages();
    std::vector<std::string> args{"--tag-display-limit", "0"};
    for (const auto& [pkg, path] : Packages::debs) args.push_back(path.string());
    auto r = run_tool("lintian", args);
    BOOST_TEST_INFO(r.out << r.err);
    BOOST_REQUIRE(r.exit_code >= 0);
    std::vector<std::string> errors, copyright;
    for (const auto& line : lines_of(r.out)) {
        if (line.starts_with("E: ")) errors.push_back(line);
        // The licence is stated, so no copyright tag of any severity (errors,
        // warnings or the machine-readable format's info tags) is acceptable.
        if (line.find("copyright") != std::string::npos || line.find("license") != std::string::npos)
            copyright.push_back(line);
    }
    BOOST_TEST(errors.empty());
    BOOST_TEST(copyright.empty());
}

BOOST_AUTO_TEST_CASE(runtime_deb_ships_the_server_as_a_systemd_service_not_enabled) {
    require_packages();
    const fs::path rt = kWork / "x" / kRuntime;
    BOOST_TEST(fs::is_regular_file(rt / "usr/bin/bitnet-server"));
    std::ifstream unit_in(rt / "lib/systemd/system/bitnet-server.service");
    const std::string unit{std::istreambuf_iterator<char>(unit_in), {}};
    for (const char* line : {"DynamicUser=yes", "ProtectSystem=strict", "NoNewPrivileges=yes",
                             "EnvironmentFile=/etc/default/bitnet-server", "ExecStart=/usr/bin/bitnet-server "})
        BOOST_TEST(unit.find(line) != std::string::npos, line);
    BOOST_TEST(fs::is_regular_file(rt / "etc/default/bitnet-server"));
    // A conffile, and no maintainer script enables or starts the unit.
    auto conffiles = run_tool("dpkg-deb", {"-I", Packages::debs.at(kRuntime).string(), "conffiles"});
    BOOST_TEST(conffiles.out.find("/etc/default/bitnet-server") != std::string::npos, conffiles.out);
    for (const char* script : {"postinst", "postrm"}) {
        auto text = run_tool("dpkg-deb", {"-I", Packages::debs.at(kRuntime).string(), script});
        BOOST_TEST(text.out.find("systemctl") == std::string::npos, script);
        BOOST_TEST(text.out.find("deb-systemd-helper") == std::string::npos, script);
    }
}

BOOST_AUTO_TEST_CASE(extracted_server_answers_health_on_the_demo_model) {
    require_packages();
    const auto binary = (kWork / "root" / "usr/bin/bitnet-server").string();
    bitnet::test::ServerProcess server({}, {}, {}, binary);
    const auto health = bitnet::test::get(server.port(), "/health");
    BOOST_TEST(health.status == 200u, health.body);
}

BOOST_AUTO_TEST_CASE(packages_say_the_licence_is_mit) {
    require_packages();
    for (const auto& [pkg, path] : Packages::rpms) {
        auto info = run_tool("rpm", {"-qip", path.string()});
        BOOST_TEST_INFO(pkg << ": " << info.out);
        BOOST_TEST(info.out.find("\nLicense     : MIT\n") != std::string::npos);
    }
    for (const auto& pkg : {kRuntime, kPlugins, kDev}) {
        std::ifstream in(kWork / "x" / pkg / "usr/share/doc" / pkg / "copyright");
        const std::string text{std::istreambuf_iterator<char>(in), {}};
        BOOST_TEST_INFO(pkg);
        BOOST_TEST(text.starts_with("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"));
        BOOST_TEST(text.find("\nFiles: *\n") != std::string::npos);
        BOOST_TEST(text.find("\nLicense: MIT\n Permission is hereby granted") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(extracted_debs_run_the_demo_with_no_environment) {
    require_packages();
    const fs::path root = kWork / "root";
    const std::string run = (root / "usr/bin/bitnet-run").string();
    auto cases =
        bitnet::test::load_reference_cases(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    const auto& c = cases.at(0);
    auto r = run_command(run, {"-m", kModel, "-p", c.prompt, "--temp", "0", "--ignore-eos", "-n", "64"}, kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(r.out == c.prompt + c.text + "\n");

    // The plugins came from the package: the extracted tree's own, or the same
    // package installed on this machine (which is searched first).
    auto list = run_command(run, {"--list-backends"}, kCleanEnv);
    BOOST_TEST_INFO(list.out);
    BOOST_REQUIRE_EQUAL(list.exit_code, 0);
    const std::string extracted = (root / libdir_deb() / "bitnet/plugins/libbitnet-cpu-scalar.so").string();
    const std::string installed = "/" + libdir_deb() + "/bitnet/plugins/libbitnet-cpu-scalar.so";
    BOOST_TEST((list.out.find("score 1, ") != std::string::npos &&
                (list.out.find(extracted) != std::string::npos || list.out.find(installed) != std::string::npos)));
    BOOST_TEST(list.out.find(BITNET_TEST_PLUGIN_DIR) == std::string::npos);
}

#if defined(__x86_64__)
BOOST_AUTO_TEST_CASE(packaged_sdk_builds_the_example_where_it_was_extracted) {
    require_packages();
    const fs::path root = kWork / "sdk-root", build = kWork / "sdk-example";
    fs::remove_all(root);
    fs::remove_all(build);
    fs::create_directories(root);
    for (const auto& [pkg, path] : Packages::debs) run_tool("dpkg-deb", {"-x", path.string(), root.string()});
    auto conf = run_command(BITNET_TEST_CMAKE,
                            {"-S", (root / "usr/share/bitnet/sdk/examples/gemv-k2560").string(), "-B",
                             build.string(), "-G", BITNET_TEST_CMAKE_GENERATOR,
                             "-DCMAKE_C_COMPILER=" + std::string(BITNET_TEST_C_COMPILER),
                             "-DCMAKE_PREFIX_PATH=" + (root / "usr").string()});
    BOOST_TEST_INFO(conf.out << conf.err);
    BOOST_REQUIRE_EQUAL(conf.exit_code, 0);
    auto make = run_command(BITNET_TEST_CMAKE, {"--build", build.string()});
    BOOST_TEST_INFO(make.out << make.err);
    BOOST_REQUIRE_EQUAL(make.exit_code, 0);
    auto list = run_command((root / "usr/bin/bitnet-run").string(),
                            {"--list-backends", "--plugin-dir", (build / "plugins").string()}, kCleanEnv);
    BOOST_TEST_INFO(list.out << list.err);
    BOOST_REQUIRE_EQUAL(list.exit_code, 0);
    BOOST_TEST(list.out.find((build / "plugins/libbitnet-example-k2560.so").string()) != std::string::npos);
}
#endif

BOOST_AUTO_TEST_CASE(rpm_lists_every_plugin_in_the_lib64_plugin_directory) {
    require_packages();
    auto listing = run_tool("rpm", {"-qpl", Packages::rpms.at(kPlugins).string()});
    BOOST_REQUIRE_EQUAL(listing.exit_code, 0);
    std::set<std::string> plugins;
    for (const auto& line : lines_of(listing.out))
        if (line.ends_with(".so")) {
            BOOST_TEST(line.starts_with("/usr/lib64/bitnet/plugins/"), line);
            plugins.insert(fs::path(line).filename().string());
        }
    BOOST_TEST(plugins == built_plugins());

    auto runtime = run_tool("rpm", {"-qpl", Packages::rpms.at(kRuntime).string()});
    const auto files = lines_of(runtime.out);
    for (const char* f : {"/usr/bin/bitnet-run", "/usr/lib64/libbitnet.so.0", "/usr/share/man/man1/bitnet-run.1.gz"})
        BOOST_TEST(std::count(files.begin(), files.end(), f) == 1, f);
    auto requires_ = run_tool("rpm", {"-qp", "--requires", Packages::rpms.at(kRuntime).string()});
    const auto reqs = lines_of(requires_.out);
    BOOST_TEST(std::count(reqs.begin(), reqs.end(), kPlugins + " = " + kVersion) == 1, requires_.out);
    auto version = run_tool("rpm", {"-qp", "--qf", "%{VERSION}", Packages::rpms.at(kRuntime).string()});
    BOOST_TEST(version.out == kVersion);
}
