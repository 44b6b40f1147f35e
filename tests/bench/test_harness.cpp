// SPDX-License-Identifier: MIT
// The baseline harness end to end on the tiny synthetic preset: `baseline run`
// over every runnable plugin and auto, `compare` with itself, a deliberately
// slowed and a deliberately altered plugin (tests/bench/proxy_plugin.cpp) giving
// the regression and answer-change exit codes, the thresholds on edited
// receipts, the machine-normalized rule on synthetic summaries, and the
// refusals (wrong model, unverifiable receipt).
#define BOOST_TEST_MODULE bench_harness
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "bench_test_util.hpp"
#include "bitnet/engine.hpp"
#include "bitnet/sha256.hpp"

namespace {

using namespace bitnet::test;

constexpr int kExitSame = 0, kExitError = 1, kExitRegression = 2, kExitAnswers = 3, kExitBoth = 4;

// Everything the cases share, made once: the workload, the cached model, a
// baseline of every plugin and one per proxy variant.
struct Harness {
    ScratchDir dir{"harness"};
    std::string workload = dir / "tiny.json";
    std::string models = dir / "models";
    CommandResult all, plain, slow, altered;

    CommandResult run(const std::string& out, std::vector<std::string> extra = {},
                      const std::vector<std::string>& env = kCleanEnv, const std::string& wl = "") {
        std::vector<std::string> args{"baseline", "run", "--workload", wl.empty() ? workload : wl,
                                      "--out", dir / out, "--model-dir", models};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_command(kBench, args, env);
    }
    CommandResult proxy(const std::string& variant) {
        return run(variant, {"--backend", "bench-proxy", "--plugin-dir", kProxyDir + "/bench-proxy-" + variant});
    }
    Harness() {
        write_json(workload, tiny_workload());
        all = run("all");
        plain = proxy("plain");
        slow = proxy("slow");
        altered = proxy("altered");
    }
};

Harness& harness() {
    static Harness h;
    return h;
}

CommandResult compare(const std::string& old_path, const std::string& new_path, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"baseline", "compare", old_path, new_path};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_command(kBench, args, kCleanEnv);
}

boost::json::value compare_json(const std::string& old_path, const std::string& new_path, int& exit_code) {
    const auto r = compare(old_path, new_path, {"--format", "json"});
    BOOST_TEST_INFO("stderr: " << r.err);
    exit_code = r.exit_code;
    return boost::json::parse(r.out);
}

std::vector<std::string> runnable_plugins() {
    bitnet::EngineOptions o;
    o.use_environment = false;
    const auto setup = bitnet::discover_kernels(o);
    std::vector<std::string> names;
    for (const auto& p : setup.registry->plugins())
        if (p.usable()) names.push_back(p.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::string model_file() { return harness().models + "/synth-tiny-seed3-synthvocab.gguf"; }

// A copy of the cpu-scalar receipt of the full run with one performance field scaled.
std::string edited_receipt(const std::string& name, const char* field, double factor) {
    auto& h = harness();
    auto doc = read_json(h.dir / "all/cpu-scalar-t2.receipt.json");
    auto& perf = doc.at("performance").as_object();
    perf[field] = perf.at(field).to_number<double>() * factor;
    if (std::string(field) == "peak_rss_bytes") perf[field] = std::llround(perf.at(field).to_number<double>());
    const std::string path = h.dir / (name + ".receipt.json");
    write_json(path, doc);
    return path;
}

// A one-run summary (summary_version 2) around a copy of the full run's
// cpu-scalar receipt: decode scaled by `decode_factor`, three repetitions
// spread by `spread` ((max - min) / median) around it, and probes that measured
// `bandwidth_gbs` before and after (compute fixed at 2 GMAC/s per thread).
// Without probes when bandwidth_gbs is 0: a baseline from before the probes.
// With pool_gbs > 0 (summary_version 3), every repetition also carries the pool
// probe's reading, moving with that repetition's decode: pool_gbs x its factor.
std::string synthetic_summary(const std::string& name, double decode_factor, double bandwidth_gbs, double spread,
                              double pool_gbs = 0) {
    auto& h = harness();
    const std::string receipt = edited_receipt(name, "decode_tok_per_s", decode_factor);
    const auto perf = read_json(receipt).at("performance");
    const double decode = perf.at("decode_tok_per_s").to_number<double>();
    boost::json::array reps;
    for (double f : {1 - spread / 2, 1.0, 1 + spread / 2}) {
        boost::json::object rep{{"prefill_ms", 1.0}, {"decode_ms", 1.0}, {"ttft_ms", perf.at("ttft_ms")},
                                {"prefill_tok_per_s", perf.at("prefill_tok_per_s")}, {"decode_tok_per_s", decode * f}};
        if (pool_gbs > 0) rep["machine"] = {{"bandwidth_gbs", pool_gbs * f}, {"compute_gmacs", 4.0}};
        reps.push_back(std::move(rep));
    }
    boost::json::object run{{"key", "cpu-scalar-t2"},
                            {"backend", "cpu-scalar"},
                            {"threads", 2},
                            {"prompt_index", 0},
                            {"receipt", receipt},
                            {"record", boost::json::object{{"repetitions", std::move(reps)}}}};
    const boost::json::object sample{
        {"bandwidth_gbs", bandwidth_gbs}, {"bandwidth_peak_gbs", bandwidth_gbs * 1.5}, {"compute_gmacs_per_thread", 2.0}};
    if (bandwidth_gbs > 0)
        run["probes"] = boost::json::object{{"threads", 2}, {"before", sample}, {"after", sample}};
    const std::string path = h.dir / (name + ".summary.json");
    write_json(path, boost::json::object{{"summary_version", pool_gbs > 0 ? 3 : 2},
                                         {"runs", boost::json::array{std::move(run)}}});
    return path;
}

const boost::json::object& metric(const boost::json::value& cmp, const std::string& name) {
    for (const auto& m : cmp.at("runs").at(0).at("metrics").as_array())
        if (m.at("metric").as_string() == name) return m.as_object();
    throw std::runtime_error("no metric " + name);
}

}  // namespace

BOOST_AUTO_TEST_CASE(baseline_run_measures_every_runnable_plugin_and_auto) {
    auto& h = harness();
    BOOST_TEST_INFO("stderr: " << h.all.err);
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const auto summary = read_json(h.dir / "all/summary.json");
    std::vector<std::string> keys;
    for (const auto& r : summary.at("runs").as_array()) keys.emplace_back(r.at("key").as_string());
    std::vector<std::string> expected;
    for (const auto& p : runnable_plugins()) expected.push_back(p + "-t2");
    expected.push_back("auto-t2");
    BOOST_TEST(keys == expected, boost::test_tools::per_element());
    BOOST_TEST(summary.at("answers_identical").as_bool());
    for (const auto& r : summary.at("runs").as_array()) {
        BOOST_TEST(r.at("record").at("repetitions").as_array().size() == 2u);
        // Both probes, at the run's thread count, before and after it.
        const auto& probes = r.at("probes");
        BOOST_TEST(probes.at("threads").to_number<int64_t>() == 2);
        for (const char* when : {"before", "after"}) {
            BOOST_TEST_CONTEXT(r.at("key").as_string() << " " << when) {
                BOOST_TEST(probes.at(when).at("bandwidth_gbs").to_number<double>() > 0.1);
                BOOST_TEST(probes.at(when).at("bandwidth_peak_gbs").to_number<double>() >=
                           probes.at(when).at("bandwidth_gbs").to_number<double>());
                BOOST_TEST(probes.at(when).at("compute_gmacs_per_thread").to_number<double>() > 0.01);
            }
        }
        // And the pool probe's slices between the tokens of every repetition.
        for (const auto& rep : r.at("record").at("repetitions").as_array()) {
            BOOST_TEST(rep.at("machine").at("bandwidth_gbs").to_number<double>() > 0.1);
            BOOST_TEST(rep.at("machine").at("compute_gmacs").to_number<double>() > 0.01);
        }
    }
}

BOOST_AUTO_TEST_CASE(every_baseline_receipt_verifies_and_pins_the_model) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const std::string sha = bitnet::util::sha256_file_hex(model_file());
    const auto size = static_cast<int64_t>(std::filesystem::file_size(model_file()));
    std::vector<int64_t> first_ids;
    const auto summary = read_json(h.dir / "all/summary.json");
    for (const auto& r : summary.at("runs").as_array()) {
        const std::string path = h.dir / ("all/" + std::string(r.at("receipt").as_string()));
        const auto v = run_command(kReceiptTool, {"verify", path}, kCleanEnv);
        BOOST_TEST_INFO(path << ": " << v.out << v.err);
        BOOST_TEST(v.exit_code == 0);
        const auto receipt = read_json(path);
        BOOST_TEST(receipt.at("model").at("sha256").as_string() == sha);
        BOOST_TEST(receipt.at("model").at("size_bytes").to_number<int64_t>() == size);
        const auto ids = generated_ids(receipt);
        BOOST_TEST(ids.size() == 12u);
        if (first_ids.empty()) first_ids = ids;
        BOOST_TEST(ids == first_ids, boost::test_tools::per_element());
    }
}

BOOST_AUTO_TEST_CASE(compare_of_a_baseline_with_itself_exits_0) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const auto r = compare(h.dir / "all", h.dir / "all");
    BOOST_TEST_INFO("stdout: " << r.out << "stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitSame);
    BOOST_TEST(r.out.find("result: same (exit 0)") != std::string::npos);
    BOOST_TEST(r.out.find("REGRESSION") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(plain_proxy_plugin_answers_like_cpu_scalar) {
    auto& h = harness();
    BOOST_TEST_INFO("stderr: " << h.plain.err);
    BOOST_REQUIRE_EQUAL(h.plain.exit_code, kExitSame);
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const auto proxy = generated_ids(read_json(h.dir / "plain/bench-proxy-t2.receipt.json"));
    const auto scalar = generated_ids(read_json(h.dir / "all/cpu-scalar-t2.receipt.json"));
    BOOST_TEST(proxy == scalar, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(slowed_plugin_run_exits_with_the_regression_code) {
    auto& h = harness();
    BOOST_TEST_INFO("stderr: " << h.slow.err);
    BOOST_REQUIRE_EQUAL(h.plain.exit_code, kExitSame);
    BOOST_REQUIRE_EQUAL(h.slow.exit_code, kExitSame);
    int code = -1;
    const auto cmp = compare_json(h.dir / "plain", h.dir / "slow", code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    BOOST_TEST(code == kExitRegression);
    BOOST_TEST(cmp.at("regression").as_bool());
    BOOST_TEST(!cmp.at("answers_changed").as_bool());
    BOOST_TEST(metric(cmp, "decode_tok_per_s").at("status").as_string() == "REGRESSION");
    // The proxy's kernels carry the variant in their IDs: compare lists them.
    bool gemv_changed = false;
    for (const auto& k : cmp.at("runs").at(0).at("kernels_changed").as_array())
        gemv_changed = gemv_changed || (k.at("op").as_string() == "i2s_gemv" &&
                                        k.at("new").as_string() == "bench-proxy.i2s_gemv.i8.slow");
    BOOST_TEST(gemv_changed);
}

BOOST_AUTO_TEST_CASE(altered_plugin_run_exits_with_the_answer_change_code) {
    auto& h = harness();
    BOOST_TEST_INFO("stderr: " << h.altered.err);
    BOOST_REQUIRE_EQUAL(h.plain.exit_code, kExitSame);
    BOOST_REQUIRE_EQUAL(h.altered.exit_code, kExitSame);
    int code = -1;
    const auto cmp = compare_json(h.dir / "plain", h.dir / "altered", code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    // Its speed is not under test: noise may add a regression (exit 4), never hide the answers.
    BOOST_TEST((code == kExitAnswers || code == kExitBoth));
    BOOST_TEST(code == (cmp.at("regression").as_bool() ? kExitBoth : kExitAnswers));
    BOOST_TEST(cmp.at("answers_changed").as_bool());
    BOOST_TEST(!cmp.at("runs").at(0).at("ids_identical").as_bool());
}

BOOST_AUTO_TEST_CASE(compare_applies_the_noise_and_regression_thresholds) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const std::string old_path = edited_receipt("old", "decode_tok_per_s", 1.0);
    struct Case {
        const char* field;
        double factor;
        const char* status;
        int exit_code;
    };
    const Case cases[] = {
        {"decode_tok_per_s", 0.96, "same", kExitSame},        {"decode_tok_per_s", 0.90, "worse", kExitSame},
        {"decode_tok_per_s", 0.75, "REGRESSION", kExitRegression}, {"decode_tok_per_s", 1.50, "better", kExitSame},
        {"prefill_tok_per_s", 0.70, "REGRESSION", kExitRegression}, {"ttft_ms", 1.10, "worse", kExitSame},
        {"ttft_ms", 1.30, "REGRESSION", kExitRegression},     {"ttft_ms", 0.50, "better", kExitSame},
        {"peak_rss_bytes", 1.25, "REGRESSION", kExitRegression},
    };
    for (const auto& c : cases) {
        int code = -1;
        const auto cmp = compare_json(old_path, edited_receipt("new", c.field, c.factor), code);
        BOOST_TEST_CONTEXT(c.field << " x " << c.factor) {
            BOOST_TEST(code == c.exit_code);
            BOOST_TEST(metric(cmp, c.field).at("status").as_string() == c.status);
            BOOST_TEST(metric(cmp, c.field).at("change_pct").to_number<double>() ==
                       (c.factor - 1) * 100, boost::test_tools::tolerance(1e-3));
        }
    }
}

BOOST_AUTO_TEST_CASE(decode_drop_matched_by_the_bandwidth_probe_is_not_a_regression) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    // Raw decode -35%, but the machine's read bandwidth fell by the same 35%.
    int code = -1;
    const auto cmp = compare_json(synthetic_summary("bw-old", 1.0, 10.0, 0.02),
                                  synthetic_summary("bw-slow-machine", 0.65, 6.5, 0.02), code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    BOOST_TEST(code == kExitSame);
    const auto& decode = metric(cmp, "decode_tok_per_s");
    BOOST_TEST(decode.at("basis").as_string() == "bandwidth");
    BOOST_TEST(decode.at("change_pct").to_number<double>() == -35.0, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(std::fabs(decode.at("norm_change_pct").to_number<double>()) < 1e-6);
    BOOST_TEST(decode.at("status").as_string() == "same");
}

BOOST_AUTO_TEST_CASE(repetitions_are_judged_by_the_pool_probe_between_their_tokens) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    // Decode halved. The standalone probes around the run did not move (10 GB/s
    // both), the pool probe in the run's own pool halved with it (a neighbour
    // took a core): the pool probe decides, and it is the machine's.
    int code = -1;
    const auto cmp = compare_json(synthetic_summary("pool-old", 1.0, 10.0, 0.04, 40.0),
                                  synthetic_summary("pool-loaded", 0.5, 10.0, 0.04, 20.0), code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    BOOST_TEST(code == kExitSame);
    const auto& decode = metric(cmp, "decode_tok_per_s");
    BOOST_TEST(decode.at("basis").as_string() == "pool bandwidth");
    BOOST_TEST(decode.at("change_pct").to_number<double>() == -50.0, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(std::fabs(decode.at("norm_change_pct").to_number<double>()) < 1e-6);
    BOOST_TEST(decode.at("new_spread_pct").to_number<double>() < 1e-6);  // every repetition normalized alike

    // The same halving with the pool probe unmoved is the code's: 2x slower.
    const auto slow = compare_json(synthetic_summary("pool-old", 1.0, 10.0, 0.04, 40.0),
                                   synthetic_summary("pool-slow-code", 0.5, 10.0, 0.04, 40.0), code);
    BOOST_TEST_INFO(boost::json::serialize(slow));
    BOOST_TEST(code == kExitRegression);
    BOOST_TEST(metric(slow, "decode_tok_per_s").at("status").as_string() == "REGRESSION");
    BOOST_TEST(metric(slow, "decode_tok_per_s").at("norm_change_pct").to_number<double>() == -50.0,
               boost::test_tools::tolerance(1e-3));

    // A summary without pool probes beside one with them: the run-level probes
    // judge, and the report says why.
    const auto mixed = compare_json(synthetic_summary("bw-old", 1.0, 10.0, 0.02),
                                    synthetic_summary("pool-loaded", 0.5, 10.0, 0.04, 20.0), code);
    BOOST_TEST(metric(mixed, "decode_tok_per_s").at("basis").as_string() == "bandwidth");
    BOOST_TEST(boost::json::serialize(mixed).find("OLD has no pool probes per repetition") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(normalized_decode_drop_beyond_the_spread_is_a_regression) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    // The same raw -35% on a machine that read as fast as before.
    int code = -1;
    const auto cmp = compare_json(synthetic_summary("bw-old", 1.0, 10.0, 0.02),
                                  synthetic_summary("bw-slow-code", 0.65, 10.0, 0.02), code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    BOOST_TEST(code == kExitRegression);
    const auto& decode = metric(cmp, "decode_tok_per_s");
    BOOST_TEST(decode.at("norm_change_pct").to_number<double>() == -35.0, boost::test_tools::tolerance(1e-3));
    BOOST_TEST(decode.at("threshold_pct").to_number<double>() == 10.0);  // 2 x 2% spread is under the floor
    BOOST_TEST(decode.at("status").as_string() == "REGRESSION");
    // Prefill and TTFT did not move and neither did the compute probe.
    BOOST_TEST(metric(cmp, "prefill_tok_per_s").at("status").as_string() == "same");
    BOOST_TEST(metric(cmp, "ttft_ms").at("status").as_string() == "same");
}

BOOST_AUTO_TEST_CASE(regression_threshold_grows_with_the_spread_of_the_repetitions) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    struct Case {
        double spread;     // of both sides' repetitions
        double threshold;  // clamp(2 x spread, 10%, 40%)
        const char* status;
        int exit_code;
    };
    // A normalized -25%: noise when the repetitions spread 15%, not when 2%;
    // the ceiling keeps a 2x slowdown caught however noisy the runs.
    const Case cases[] = {{0.02, 10.0, "REGRESSION", kExitRegression},
                          {0.15, 30.0, "worse", kExitSame},
                          {0.60, 40.0, "worse", kExitSame}};
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("spread " << c.spread) {
            int code = -1;
            const auto cmp = compare_json(synthetic_summary("sp-old", 1.0, 10.0, c.spread),
                                          synthetic_summary("sp-new", 0.75, 10.0, c.spread), code);
            const auto& decode = metric(cmp, "decode_tok_per_s");
            BOOST_TEST(decode.at("old_spread_pct").to_number<double>() == c.spread * 100,
                       boost::test_tools::tolerance(1e-6));
            BOOST_TEST(decode.at("threshold_pct").to_number<double>() == c.threshold,
                       boost::test_tools::tolerance(1e-6));
            BOOST_TEST(decode.at("status").as_string() == c.status);
            BOOST_TEST(code == c.exit_code);
        }
    }
    int code = -1;
    const auto halved = compare_json(synthetic_summary("sp-old", 1.0, 10.0, 0.60),
                                     synthetic_summary("sp-half", 0.5, 10.0, 0.60), code);
    BOOST_TEST(metric(halved, "decode_tok_per_s").at("status").as_string() == "REGRESSION");
    BOOST_TEST(code == kExitRegression);
}

BOOST_AUTO_TEST_CASE(baseline_without_probes_is_judged_raw_and_says_so) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    // OLD from before the probes: NEW's probe cannot excuse the raw -35%.
    const std::string old_path = synthetic_summary("no-probes", 1.0, 0.0, 0.02);
    const std::string new_path = synthetic_summary("bw-slow-machine", 0.65, 6.5, 0.02);
    int code = -1;
    const auto cmp = compare_json(old_path, new_path, code);
    BOOST_TEST_INFO(boost::json::serialize(cmp));
    BOOST_TEST(code == kExitRegression);
    const auto& decode = metric(cmp, "decode_tok_per_s");
    BOOST_TEST(decode.at("basis").as_string() == "raw");
    BOOST_TEST(!decode.at("normalized").as_bool());
    BOOST_TEST(decode.at("threshold_pct").to_number<double>() == 20.0);
    BOOST_TEST(decode.at("status").as_string() == "REGRESSION");
    const auto text = compare(old_path, new_path);
    BOOST_TEST_INFO(text.out);
    BOOST_TEST(text.out.find("warning: cpu-scalar-t2: OLD has no machine probes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(compare_refuses_a_receipt_that_fails_verification) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const auto r = compare(edited_receipt("good", "decode_tok_per_s", 1.0), edited_receipt("zero", "decode_tok_per_s", 0));
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitError);
    BOOST_TEST(r.err.find("rule speed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(compare_refuses_runs_of_different_models) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    const std::string other = h.dir / "other.json";
    write_json(other, tiny_workload(4));
    const auto run = h.run("other-model", {"--backend", "cpu-scalar"}, kCleanEnv, other);
    BOOST_TEST_INFO("stderr: " << run.err);
    BOOST_REQUIRE_EQUAL(run.exit_code, kExitSame);
    const auto r = compare(h.dir / "all", h.dir / "other-model");
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitError);
    BOOST_TEST(r.err.find("ran different models") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(run_refuses_a_model_other_than_the_pinned_one) {
    auto& h = harness();
    auto pinned = tiny_workload();
    pinned["model"].as_object()["sha256"] = std::string(64, '0');
    const std::string wl = h.dir / "pinned.json";
    write_json(wl, pinned);
    auto r = h.run("pinned", {"--backend", "cpu-scalar"}, kCleanEnv, wl);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitError);
    BOOST_TEST(r.err.find("not the workload's model") != std::string::npos);

    pinned["model"].as_object().erase("sha256");
    pinned["model"].as_object()["size_bytes"] = 1187801088;  // the 2B-4T preset's size
    write_json(wl, pinned);
    r = h.run("pinned", {"--backend", "cpu-scalar"}, kCleanEnv, wl);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitError);
    BOOST_TEST(r.err.find("not the workload's model") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(deterministic_environment_forces_greedy_and_the_seed) {
    auto& h = harness();
    BOOST_REQUIRE_EQUAL(h.all.exit_code, kExitSame);
    auto sampled = tiny_workload();
    sampled["sampling"] = boost::json::object{{"temperature", 0.8}, {"seed", 7}};
    const std::string wl = h.dir / "sampled.json";
    write_json(wl, sampled);

    auto r = h.run("det", {"--backend", "cpu-scalar", "--repetitions", "1"}, env_with({"BITNET_DETERMINISTIC=1"}), wl);
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_REQUIRE_EQUAL(r.exit_code, kExitSame);
    auto receipt = read_json(h.dir / "det/cpu-scalar-t2.receipt.json");
    BOOST_TEST(receipt.at("settings").at("sampling").at("temperature").to_number<double>() == 0.0);
    BOOST_TEST(receipt.at("settings").at("sampling").at("seed").to_number<int64_t>() == 42);
    // Greedy: the same ids as the greedy workload's run.
    BOOST_TEST(generated_ids(receipt) == generated_ids(read_json(h.dir / "all/cpu-scalar-t2.receipt.json")),
               boost::test_tools::per_element());

    r = h.run("det-seed", {"--backend", "cpu-scalar", "--repetitions", "1"},
              env_with({"BITNET_DETERMINISTIC=1", "BITNET_SEED=9"}), wl);
    BOOST_REQUIRE_EQUAL(r.exit_code, kExitSame);
    receipt = read_json(h.dir / "det-seed/cpu-scalar-t2.receipt.json");
    BOOST_TEST(receipt.at("settings").at("sampling").at("seed").to_number<int64_t>() == 9);
}

BOOST_AUTO_TEST_CASE(plot_writes_a_png_of_the_comparison) {
    auto& h = harness();
    const auto probe = run_command("/usr/bin/python3", {"-c", "import matplotlib"}, kCleanEnv);
    if (probe.exit_code != 0) {
        BOOST_TEST_MESSAGE("skipped: /usr/bin/python3 has no matplotlib (scripts/setup-debian.sh installs it)");
        return;
    }
    BOOST_REQUIRE_EQUAL(h.slow.exit_code, kExitSame);
    const std::string png = h.dir / "plot.png";
    const auto r = compare(h.dir / "plain", h.dir / "slow", {"--plot", png});
    BOOST_TEST_INFO("stderr: " << r.err);
    BOOST_TEST(r.exit_code == kExitRegression);
    std::ifstream in(png, std::ios::binary);
    char sig[8] = {};
    in.read(sig, 8);
    BOOST_TEST(std::string(sig, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
}
