// SPDX-License-Identifier: MIT
// bitnet-bench's llama-bench-style tests and bandwidth probe on the tiny preset:
// the JSON carries every repetition and consistent statistics, the decode bytes
// follow from the model's shapes, receipts are written and verify, the
// determinism switches fix the seed, and bad options are refused.
#define BOOST_TEST_MODULE bench_cli
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "bench_test_util.hpp"

namespace {

using namespace bitnet::test;

struct Model {
    ScratchDir dir{"cli"};
    std::string path = dir / "tiny.gguf";
    Model() {
        const auto r = run_command(kGguf, {"synth", "--preset", "tiny", "--seed", "5", "--out", path}, kCleanEnv);
        if (r.exit_code != 0) throw std::runtime_error("bitnet-gguf synth failed: " + r.err);
    }
};

Model& model() {
    static Model m;
    return m;
}

// The tiny preset: 1024-token vocabulary, 256-wide embedding, F16 tied head.
constexpr int64_t kVocab = 1024, kEmbd = 256;

}  // namespace

BOOST_AUTO_TEST_CASE(json_report_has_every_repetition_and_consistent_statistics) {
    const auto r = run_command(kBench, {"-m", model().path, "-p", "8", "-n", "4", "-t", "1", "-r", "3", "--output",
                                        "json", "--bandwidth-mb", "64"},
                               kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    const auto report = boost::json::parse(r.out);
    const auto& results = report.at("results").as_array();
    BOOST_REQUIRE_EQUAL(results.size(), 1u);
    const auto& tests = results.at(0).at("tests").as_array();
    BOOST_REQUIRE_EQUAL(tests.size(), 2u);
    BOOST_TEST(tests.at(0).at("test").as_string() == "pp8");
    BOOST_TEST(tests.at(1).at("test").as_string() == "tg4");
    for (const auto& t : tests) {
        BOOST_TEST_CONTEXT(t.at("test").as_string()) {
            std::vector<double> rates;
            for (const auto& v : t.at("tok_per_s").as_array()) rates.push_back(v.to_number<double>());
            BOOST_REQUIRE_EQUAL(rates.size(), 3u);
            BOOST_TEST(*std::min_element(rates.begin(), rates.end()) > 0.0);
            std::sort(rates.begin(), rates.end());
            BOOST_TEST(t.at("median_tok_per_s").to_number<double>() == rates[1]);
            BOOST_TEST(t.at("mean_tok_per_s").to_number<double>() == (rates[0] + rates[1] + rates[2]) / 3,
                       boost::test_tools::tolerance(1e-9));
            const double limit = t.at("limit_tok_per_s").to_number<double>();
            BOOST_TEST(limit > 0.0);
            BOOST_TEST(t.at("fraction_of_limit").to_number<double>() == rates[1] / limit,
                       boost::test_tools::tolerance(1e-9));
        }
    }
    // A pp batch reads the weights once for all its tokens: eight times the tg limit per token.
    BOOST_TEST(tests.at(0).at("limit_tok_per_s").to_number<double>() ==
                   8 * tests.at(1).at("limit_tok_per_s").to_number<double>(),
               boost::test_tools::tolerance(1e-9));
    BOOST_TEST(report.at("bandwidth").at(0).at("peak_gbs").to_number<double>() > 0.0);
}

BOOST_AUTO_TEST_CASE(batched_decode_test_counts_every_sequence_and_scales_the_limit) {
    const auto r = run_command(kBench, {"-m", model().path, "-p", "0", "-n", "4", "-b", "1,3", "-t", "1", "-r", "2",
                                        "--output", "json", "--bandwidth-mb", "64"},
                               kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    const auto report = boost::json::parse(r.out);
    const auto& tests = report.at("results").at(0).at("tests").as_array();
    BOOST_REQUIRE_EQUAL(tests.size(), 2u);
    BOOST_TEST(tests.at(0).at("test").as_string() == "tg4");
    BOOST_TEST(tests.at(1).at("test").as_string() == "tg4x3");
    BOOST_TEST(tests.at(1).at("batch").as_int64() == 3);
    // 3 sequences x 4 tokens per timed repetition.
    const auto& seconds = tests.at(1).at("seconds").as_array();
    const auto& rates = tests.at(1).at("tok_per_s").as_array();
    for (size_t i = 0; i < rates.size(); ++i)
        BOOST_TEST(rates.at(i).to_number<double>() == 12 / seconds.at(i).to_number<double>(),
                   boost::test_tools::tolerance(1e-9));
    // One batched step reads the weights once for its three tokens.
    BOOST_TEST(tests.at(1).at("limit_tok_per_s").to_number<double>() ==
                   3 * tests.at(0).at("limit_tok_per_s").to_number<double>(),
               boost::test_tools::tolerance(1e-9));
}

BOOST_AUTO_TEST_CASE(decode_bytes_follow_the_head_precision) {
    const auto r = run_command(kBench, {"-m", model().path, "-p", "0", "-n", "2", "-t", "1", "-r", "1",
                                        "--head-precision", "f16,q8", "--output", "json", "--no-bandwidth"},
                               kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    const auto results = boost::json::parse(r.out).at("results").as_array();
    BOOST_REQUIRE_EQUAL(results.size(), 2u);
    const auto& f16 = results.at(0).at("model").at("decode_bytes_per_token");
    const auto& q8 = results.at(1).at("model").at("decode_bytes_per_token");
    BOOST_TEST(f16.at("head").to_number<int64_t>() == kVocab * kEmbd * 2);
    BOOST_TEST(q8.at("head").to_number<int64_t>() == kVocab * kEmbd + kVocab * 8);
    BOOST_TEST(f16.at("ternary").to_number<int64_t>() == q8.at("ternary").to_number<int64_t>());
    BOOST_TEST(f16.at("total").to_number<int64_t>() == f16.at("ternary").to_number<int64_t>() +
                                                           f16.at("head").to_number<int64_t>() +
                                                           f16.at("norms").to_number<int64_t>());
    // Without a bandwidth figure there is no limit to quote.
    BOOST_TEST(!results.at(0).at("tests").at(0).as_object().contains("limit_tok_per_s"));
}

BOOST_AUTO_TEST_CASE(receipt_dir_gets_one_verified_receipt_per_configuration) {
    ScratchDir receipts("cli-receipts");
    const auto r = run_command(kBench, {"-m", model().path, "-p", "8", "-n", "4", "-t", "1,2", "-r", "1",
                                        "--backend", "cpu-scalar", "--receipt-dir", receipts.path().string(),
                                        "--no-bandwidth"},
                               kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    for (const char* name : {"bench-cpu-scalar-f16-t1.receipt.json", "bench-cpu-scalar-f16-t2.receipt.json"}) {
        const std::string path = receipts / name;
        const auto v = run_command(kReceiptTool, {"verify", path}, kCleanEnv);
        BOOST_TEST_INFO(path << ": " << v.out << v.err);
        BOOST_TEST(v.exit_code == 0);
        const auto receipt = read_json(path);
        BOOST_TEST(receipt.at("tokens").at("prompt").to_number<int64_t>() == 8);
        BOOST_TEST(receipt.at("tokens").at("generated").to_number<int64_t>() == 4);
    }
    BOOST_TEST(r.out.find("bench-cpu-scalar-f16-t2.receipt.json") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(determinism_switches_fix_the_token_seed) {
    const std::vector<std::string> args{"-m", model().path, "-p", "4", "-n", "0", "-t", "1", "-r", "1",
                                        "--output", "json", "--no-bandwidth"};
    auto r = run_command(kBench, args, env_with({"BITNET_DETERMINISTIC=1"}));
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    auto report = boost::json::parse(r.out);
    BOOST_TEST(report.at("seed").to_number<int64_t>() == 42);
    BOOST_TEST(report.at("deterministic").as_bool());

    r = run_command(kBench, args, env_with({"BITNET_DETERMINISTIC=1", "BITNET_SEED=9"}));
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    BOOST_TEST(boost::json::parse(r.out).at("seed").to_number<int64_t>() == 9);

    r = run_command(kBench, args, env_with({"BITNET_DETERMINISTIC=maybe"}));
    BOOST_TEST(r.exit_code == 1);
    BOOST_TEST(r.err.find("BITNET_DETERMINISTIC") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(bandwidth_probe_reports_every_thread_count) {
    const auto r = run_command(kBench, {"bandwidth", "-t", "1,2", "--size-mb", "64", "--passes", "1", "--output", "json"},
                               kCleanEnv);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, 0);
    const auto a = boost::json::parse(r.out).as_array();
    BOOST_REQUIRE_EQUAL(a.size(), 2u);
    for (size_t i = 0; i < 2; ++i) {
        BOOST_TEST(a.at(i).at("threads").to_number<int64_t>() == static_cast<int64_t>(i + 1));
        BOOST_TEST(a.at(i).at("buffer_bytes").to_number<int64_t>() >= int64_t{64} << 20);
        BOOST_TEST(a.at(i).at("peak_gbs").to_number<double>() > 0.0);
        BOOST_TEST(a.at(i).at("peak_gbs").to_number<double>() >= a.at(i).at("pass_gbs").to_number<double>());
    }
}

BOOST_AUTO_TEST_CASE(bad_options_are_refused_with_a_message) {
    const struct {
        std::vector<std::string> args;
        const char* message;
    } cases[] = {
        {{"-m", model().path, "-t", "0"}, "-t takes thread counts of at least 1"},
        {{"-m", model().path, "--output", "xml"}, "unknown output format 'xml'"},
        {{"-m", model().path, "-p", "0", "-n", "0"}, "nothing to run"},
        {{"-m", model().path, "-p", "0", "-b", "0"}, "-b takes batch sizes of at least 1"},
        {{"-p", "8"}, "missing -m FILE"},
        {{"baseline", "compare", "only-one"}, "compare takes two paths"},
        {{"baseline", "frobnicate"}, "unknown baseline subcommand"},
    };
    for (const auto& c : cases) {
        const auto r = run_command(kBench, c.args, kCleanEnv);
        BOOST_TEST_CONTEXT(c.message) {
            BOOST_TEST(r.exit_code == 1);
            BOOST_TEST(r.err.find(c.message) != std::string::npos, "stderr: " << r.err);
        }
    }
}
