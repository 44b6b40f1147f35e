// SPDX-License-Identifier: MIT
#define BOOST_TEST_MODULE receipt_tool
#include <boost/test/unit_test.hpp>

#include "bitnet/receipt.hpp"
#include "bitnet/receipt_verify.hpp"
#include "sample_receipt.hpp"

#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const std::string kTool = BITNET_TEST_BIN_DIR "/bitnet-receipt";

struct Result {
    int status;
    std::string out;
};

Result run(const std::string& args) {
    const std::string cmd = "'" + kTool + "' " + args + " 2>&1";
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_TEST_REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    const int raw = ::pclose(p);
    return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, out};
}

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

struct Dir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("bitnet-receipt-tool-" + std::to_string(::getpid()));
    Dir() { std::filesystem::create_directories(path); }
    ~Dir() { std::filesystem::remove_all(path); }
    std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(passing_receipt_exits_zero) {
    Dir d;
    bitnet::receipt::write_receipt(sample_receipt(), d.file("good.json"));
    const auto r = run("verify " + d.file("good.json"));
    BOOST_TEST(r.status == 0, "output:\n" << r.out);
    BOOST_TEST(r.out == d.file("good.json") + ": ok\n");
}

BOOST_AUTO_TEST_CASE(failing_receipts_give_one_line_per_rule_and_exit_nonzero) {
    Dir d;
    auto mock = sample_receipt();
    mock.compute_path = "mock";
    mock.performance.decode_tok_per_s = 0.0;
    bitnet::receipt::write_receipt(mock, d.file("mock.json"));
    bitnet::receipt::write_receipt(sample_receipt(), d.file("good.json"));
    const auto r = run("verify " + d.file("good.json") + " " + d.file("mock.json"));
    BOOST_TEST(r.status == 1, "output:\n" << r.out);
    BOOST_TEST(r.out.find(d.file("good.json") + ": ok\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(d.file("mock.json") + ": rule compute_path: ") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(d.file("mock.json") + ": rule speed: performance.decode_tok_per_s") != std::string::npos,
               r.out);
    BOOST_TEST(count_lines(r.out) == 3u, "expected ok + 2 rule lines:\n" << r.out);
}

BOOST_AUTO_TEST_CASE(quiet_prints_only_failures) {
    Dir d;
    bitnet::receipt::write_receipt(sample_receipt(), d.file("good.json"));
    const auto r = run("verify -q " + d.file("good.json"));
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.out.empty(), r.out);
}

BOOST_AUTO_TEST_CASE(schema_violation_line_names_field) {
    Dir d;
    auto j = bitnet::receipt::receipt_to_json(sample_receipt());
    j.as_object()["model"].as_object().erase("sha256");
    std::ofstream(d.file("nosha.json")) << boost::json::serialize(j);
    const auto r = run("verify " + d.file("nosha.json"));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.out.find(": rule schema: model.sha256: required field is missing") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(": rule model_sha256: ") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(invalid_json_and_missing_file_fail_rule_json) {
    Dir d;
    std::ofstream(d.file("cut.json")) << "{\"schema_version\": \"1\", ";
    const auto r = run("verify " + d.file("cut.json") + " " + d.file("absent.json"));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.out.find(d.file("cut.json") + ": rule json: not valid JSON") != std::string::npos, r.out);
    BOOST_TEST(r.out.find(d.file("absent.json") + ": rule json: cannot open") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(custom_schema_file_replaces_the_built_in_one) {
    Dir d;
    bitnet::receipt::write_receipt(sample_receipt(), d.file("good.json"));
    std::ofstream(d.file("strict.json")) << R"({"type": "object", "required": ["signature"]})";
    const auto r = run("verify --schema " + d.file("strict.json") + " " + d.file("good.json"));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.out.find("rule schema: signature: required field is missing") != std::string::npos, r.out);
    std::ofstream(d.file("unsupported.json")) << R"({"anyOf": []})";
    const auto bad = run("verify --schema " + d.file("unsupported.json") + " " + d.file("good.json"));
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(bad.out.find("error: ") == 0u, bad.out);
}

BOOST_AUTO_TEST_CASE(schema_command_prints_the_embedded_schema) {
    const auto r = run("schema");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(r.out == std::string(bitnet::receipt::receipt_schema_text()));
}

BOOST_AUTO_TEST_CASE(misuse_exits_two_with_usage) {
    for (const std::string args : {"", "verify", "frobnicate x.json", "verify --bogus x.json"}) {
        const auto r = run(args);
        BOOST_TEST(r.status == 2, "'" << args << "' exited " << r.status);
        BOOST_TEST(r.out.find("usage: bitnet-receipt") != std::string::npos, "'" << args << "': " << r.out);
    }
}
