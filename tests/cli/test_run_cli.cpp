// SPDX-License-Identifier: MIT
// bitnet-run as a user meets it: output, determinism across thread counts,
// backend errors and plugin rejection reasons.
#define BOOST_TEST_MODULE cli_run
#include <boost/test/unit_test.hpp>

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "bitnet/sha256.hpp"

#include "reference_data.hpp"
#include "run_command.hpp"

namespace {

namespace fs = std::filesystem;
using bitnet::test::run_command;

const std::string kRun = std::string(BITNET_TEST_BIN_DIR) + "/bitnet-run";
const std::string kModel = std::string(BITNET_TEST_MODEL_DIR) + "/stories-bitnet-i2_s.gguf";
const std::string kBad = BITNET_TEST_BAD_PLUGIN_DIR;

// Only the build tree's plugins, whatever the caller's environment says.
const std::vector<std::string> kCleanEnv{"BITNET_PLUGIN_PATH=", "BITNET_MAX_CPU_ISA="};

fs::path temp_dir(const std::string& name) {
    auto d = fs::temp_directory_path() / ("bitnet-cli-" + name + "-" + std::to_string(::getpid()));
    fs::create_directories(d);
    return d;
}

std::vector<float> read_floats(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::vector<float> v(fs::file_size(p) / sizeof(float));
    in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
    return v;
}

}  // namespace

BOOST_AUTO_TEST_CASE(greedy_run_prints_the_reference_story) {
    auto cases = bitnet::test::load_reference_cases(std::string(BITNET_TEST_DATA_DIR) + "/stories-bitnet.expected.json");
    const auto& c = cases.at(0);
    auto r = run_command(kRun, {"-m", kModel, "-p", c.prompt, "--temp", "0", "--ignore-eos", "-n", "64"}, kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(r.out == c.prompt + c.text + "\n");
    BOOST_TEST(r.err.find("tok/s") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(one_and_two_threads_give_the_same_bytes_and_logits) {
    auto dir = temp_dir("threads");
    std::vector<std::string> base{"-m", kModel, "-p", "Lily had a dog", "--temp", "0.9", "--seed", "7", "-n", "40"};
    auto a_args = base, b_args = base;
    a_args.insert(a_args.end(), {"-t", "1", "--dump-logits", (dir / "a.f32").string()});
    b_args.insert(b_args.end(), {"-t", "2", "--dump-logits", (dir / "b.f32").string()});
    auto a = run_command(kRun, a_args, kCleanEnv);
    auto b = run_command(kRun, b_args, kCleanEnv);
    BOOST_REQUIRE_EQUAL(a.exit_code, 0);
    BOOST_REQUIRE_EQUAL(b.exit_code, 0);
    BOOST_TEST(a.out == b.out);
    auto la = read_floats(dir / "a.f32"), lb = read_floats(dir / "b.f32");
    BOOST_TEST(la.size() == 1024u);
    BOOST_TEST(la == lb, "logits differ between -t 1 and -t 2");
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(receipt_names_the_kernels_that_ran_and_verifies) {
    auto dir = temp_dir("receipt");
    const auto receipt = (dir / "run.json").string();
    auto r = run_command(kRun, {"-m", kModel, "-p", "Once upon a time", "--temp", "0", "-n", "8", "--receipt", receipt},
                         kCleanEnv);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    auto text = bitnet::test::read_file_text(receipt);
    BOOST_TEST(text.find("\"compute_path\": \"real\"") != std::string::npos, text);
    BOOST_TEST(text.find(".i2s_gemv.") != std::string::npos);
    auto v = run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-receipt", {"verify", receipt});
    BOOST_TEST(v.exit_code == 0, v.out << v.err);
    // A hand-broken copy fails, naming the rule.
    auto broken = text;
    broken.replace(broken.find("\"real\""), 6, "\"mock\"");
    { std::ofstream(dir / "broken.json") << broken; }
    auto b = run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-receipt", {"verify", (dir / "broken.json").string()});
    BOOST_TEST(b.exit_code != 0);
    BOOST_TEST((b.out + b.err).find("rule compute_path") != std::string::npos, b.out << b.err);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(receipt_records_the_sha256_of_every_usable_plugin_and_null_for_rejected_ones) {
    auto dir = temp_dir("plugin-hashes");
    const auto receipt = (dir / "run.json").string();
    // A plugin without its entry symbol adds a rejected candidate beside the build's plugins.
    auto r = run_command(kRun, {"-m", kModel, "-p", "Once", "--temp", "0", "-n", "2", "--plugin-dir", kBad + "/no_entry",
                                "--receipt", receipt},
                         kCleanEnv);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    const auto doc = boost::json::parse(bitnet::test::read_file_text(receipt));
    int usable = 0, rejected = 0;
    for (const auto& c : doc.at("backend").at("candidates").as_array()) {
        const auto& o = c.as_object();
        const std::string path(o.at("path").as_string());
        if (o.at("rejected").is_null()) {
            ++usable;
            BOOST_TEST(o.at("sha256").as_string() == bitnet::util::sha256_file_hex(path), path);
        } else {
            ++rejected;
            BOOST_TEST(o.at("sha256").is_null(), path);
        }
    }
    BOOST_TEST(usable >= 2);  // cpu-scalar and at least one SIMD plugin on x86-64
    BOOST_TEST(rejected >= 1);
    auto v = run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-receipt", {"verify", receipt});
    BOOST_TEST(v.exit_code == 0, v.out << v.err);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(unknown_backend_fails_listing_the_backends_found) {
    auto r = run_command(kRun, {"-m", kModel, "-p", "x", "--backend", "nosuch"}, kCleanEnv);
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: unknown backend 'nosuch' (found: auto, ") == 0, "stderr: " << r.err);
    BOOST_TEST(r.err.find("cpu-scalar") != std::string::npos, "stderr: " << r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, "want one line: " << r.err);
}

BOOST_AUTO_TEST_CASE(list_backends_shows_plugins_and_a_kernel_per_op) {
    auto r = run_command(kRun, {"--list-backends"}, kCleanEnv);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(r.out.find("cpu-scalar") != std::string::npos);
    for (const char* op : {"i2s_gemv:", "i2s_gemm:", "quantize_i8:", "rmsnorm:", "rope_neox:", "attention:",
                           "relu2_gate:", "add:", "embed_f16:", "f16_matmul:"})
        BOOST_TEST(r.out.find(op) != std::string::npos, "no kernel line for " << op << " in:\n" << r.out);
}

BOOST_AUTO_TEST_CASE(missing_plugin_directory_is_reported_not_fatal) {
    auto r = run_command(kRun, {"--list-backends", "--plugin-dir", "/nonexistent/bitnet-plugins"}, kCleanEnv);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("plugin directory /nonexistent/bitnet-plugins: does not exist") != std::string::npos,
               r.out);
}

BOOST_AUTO_TEST_CASE(broken_plugins_are_rejected_with_one_line_reasons) {
    auto dir = temp_dir("notaplugin");
    { std::ofstream(dir / "libfake.so") << "this is not a shared object\n"; }
    struct Case {
        std::string dir;
        std::string reason;
    } cases[] = {
        {dir.string(), "not a plugin: not an ELF shared object"},
        {kBad + "/wrong_abi_status", "ABI mismatch: plugin refused host ABI 1."},
        {kBad + "/wrong_abi_descriptor", "ABI mismatch: plugin has ABI major 2, host 1"},
        {kBad + "/no_entry", "not a plugin: missing symbol bitnet_kernel_plugin_entry"},
        {kBad + "/null_kernel", "kernel test-bad.add.f32.ref: run function is NULL"},
        {kBad + "/bad_kernel_id", "kernel #0: invalid id"},
    };
    for (const auto& c : cases) {
        auto r = run_command(kRun, {"--list-backends", "--plugin-dir", c.dir}, kCleanEnv);
        BOOST_TEST_CONTEXT("plugin dir " << c.dir) {
            BOOST_TEST(!r.signaled);
            BOOST_TEST(r.exit_code == 0);
            auto pos = r.out.find("rejected: " + c.dir);
            BOOST_TEST(pos != std::string::npos, r.out);
            if (pos != std::string::npos) {
                auto line = r.out.substr(pos, r.out.find('\n', pos) - pos);
                BOOST_TEST(line.find(c.reason) != std::string::npos, "line: " << line);
            }
            // The good plugins from the build tree still load beside the bad one.
            BOOST_TEST(r.out.find("cpu-scalar") != std::string::npos);
        }
    }
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(world_writable_plugin_directory_is_refused) {
    auto dir = temp_dir("worldwritable");
    fs::permissions(dir, fs::perms::all);
    auto r = run_command(kRun, {"--list-backends", "--plugin-dir", dir.string()}, kCleanEnv);
    BOOST_TEST(r.exit_code == 0);
    BOOST_TEST(r.out.find("refused, it is world-writable") != std::string::npos, r.out);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(prompt_longer_than_context_fails_cleanly) {
    auto r = run_command(kRun, {"-m", kModel, "-c", "4", "-p", "Once upon a time there was a dog"}, kCleanEnv);
    BOOST_TEST(!r.signaled);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: prompt of ") == 0, r.err);
    BOOST_TEST(r.err.find("does not fit the context of 4 tokens") != std::string::npos, r.err);
}

BOOST_AUTO_TEST_CASE(unknown_option_is_a_one_line_error) {
    auto r = run_command(kRun, {"--no-such-flag"}, kCleanEnv);
    BOOST_TEST(r.exit_code != 0);
    BOOST_TEST(r.err.find("error: ") == 0, r.err);
    BOOST_TEST(std::count(r.err.begin(), r.err.end(), '\n') == 1, r.err);
}

BOOST_AUTO_TEST_CASE(frequency_and_presence_penalties_change_greedy_text_and_are_in_the_receipt) {
    const std::vector<std::string> base{"-m", kModel, "-p", "Once upon a time", "--temp", "0", "-n", "48"};
    auto plain = run_command(kRun, base, kCleanEnv);
    BOOST_REQUIRE_MESSAGE(plain.exit_code == 0, plain.err);
    const auto dir = temp_dir("penalties");
    auto args = base;
    for (std::string a : {"--frequency-penalty", "1.5", "--presence-penalty", "0.5", "--receipt"}) args.push_back(a);
    args.push_back((dir / "receipt.json").string());
    auto penalized = run_command(kRun, args, kCleanEnv);
    BOOST_REQUIRE_MESSAGE(penalized.exit_code == 0, penalized.err);
    BOOST_TEST(penalized.out != plain.out, "a 1.5 frequency penalty left the greedy story as it was:\n" << plain.out);
    const auto receipt = boost::json::parse(bitnet::test::read_file_text(dir / "receipt.json"));
    const auto& sampling = receipt.at("settings").at("sampling");
    BOOST_TEST(sampling.at("frequency_penalty").to_number<double>() == 1.5);
    BOOST_TEST(sampling.at("presence_penalty").to_number<double>() == 0.5);
    auto verify = run_command(std::string(BITNET_TEST_BIN_DIR) + "/bitnet-receipt", {"verify", (dir / "receipt.json").string()});
    BOOST_TEST(verify.exit_code == 0, verify.out << verify.err);
    fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(penalty_outside_minus_two_to_two_is_a_one_line_error) {
    for (const char* option : {"--frequency-penalty", "--presence-penalty"}) {
        auto r = run_command(kRun, {"-m", kModel, "-p", "x", option, "2.5"}, kCleanEnv);
        BOOST_TEST(r.exit_code == 1, option);
        BOOST_TEST(r.err == "error: " + std::string(option) + " must be in [-2, 2]\n");
    }
}
