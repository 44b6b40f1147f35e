// SPDX-License-Identifier: MIT
#include "bench_run.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>

#include "bitnet/engine.hpp"
#include "bitnet/error.hpp"
#include "bitnet/generate.hpp"
#include "bitnet/receipt.hpp"
#include "bitnet/run_receipt.hpp"
#include "bitnet/session.hpp"
#include "process_facts.hpp"
#include "receipt_output.hpp"

namespace bitnet::bench {
namespace {

std::vector<PerfTest> tests_of(const BenchOptions& o) {
    std::vector<PerfTest> tests;
    for (int n : o.n_prompt)
        if (n > 0) tests.push_back({PerfTest::Kind::Prompt, n});
    for (int n : o.n_gen)
        if (n > 0)
            for (int b : o.batch) {
                if (b < 1) throw Error("-b takes batch sizes of at least 1");
                tests.push_back({PerfTest::Kind::Generate, n, b});
            }
    if (tests.empty()) throw Error("nothing to run: every -p and -n value is 0");
    return tests;
}

// The receipt run: one real generation per config (the first pp length as the
// prompt, the first tg length as the generated tokens), greedy, so the receipt
// describes ids that were actually produced.
struct ReceiptShape {
    int prompt{1};
    int generate{16};
};

ReceiptShape receipt_shape(const BenchOptions& o) {
    ReceiptShape s;
    for (int n : o.n_prompt)
        if (n > 0) {
            s.prompt = n;
            break;
        }
    for (int n : o.n_gen)
        if (n > 0) {
            s.generate = std::max(n, 2);  // a decode speed needs two generated tokens
            break;
        }
    return s;
}

std::string receipt_name(const ConfigResult& c) {
    std::string backend = c.backend;
    std::replace(backend.begin(), backend.end(), '/', '_');
    return "bench-" + backend + "-" + c.head_precision + "-t" + std::to_string(c.threads) + ".receipt.json";
}

ConfigResult run_config(const BenchOptions& o, const BenchReport& report, const std::string& backend,
                        const std::string& head, unsigned threads, const std::vector<PerfTest>& tests) {
    reset_peak_rss();
    EngineOptions eo;
    eo.model_path = o.model;
    eo.backend = backend;
    eo.plugin_dirs = o.plugin_dirs;
    eo.threads = threads;
    eo.head_precision = head;
    eo.use_mmap = o.use_mmap;
    Engine engine(eo);

    ConfigResult c;
    c.backend = backend;
    c.head_precision = head;
    c.threads = engine.pool().size();
    c.model = model_facts(engine.model(), head == "q8");
    c.load_ms = engine.load_ms();
    c.weights_copied = engine.model().copied_bytes() > 0;

    const ReceiptShape shape = receipt_shape(o);
    const bool receipts = o.receipt_dir || receipt_dir_from_environment();
    int n_ctx = receipts ? shape.prompt + shape.generate : 1;
    for (const auto& t : tests) n_ctx = std::max(n_ctx, t.context());
    model::Session session(engine.model(), engine.dispatcher(), n_ctx);
    // tg N x B steps B sessions together; the extra ones exist only for it.
    int batch = 1;
    for (const auto& t : tests) batch = std::max(batch, t.batch);
    std::vector<std::unique_ptr<model::Session>> extra;
    std::vector<model::Session*> sessions{&session};
    for (int b = 1; b < batch; ++b) {
        extra.push_back(std::make_unique<model::Session>(engine.model(), engine.dispatcher(), n_ctx));
        sessions.push_back(extra.back().get());
    }

    // The same seed for every config: each evaluates the same token ids.
    TokenSource tokens(report.seed, static_cast<int32_t>(engine.model().config().n_vocab));
    engine.dispatcher().reset_stats();
    for (const auto& t : tests) {
        std::cerr << "bitnet-bench: " << backend << ", " << head << " head, " << c.threads << " thread(s): " << t.name()
                  << " x " << o.repetitions << "\n";
        c.tests.push_back(run_perf_test(sessions, t, o.repetitions, tokens));
    }
    for (const auto& k : engine.dispatcher().stats()) c.kernels.push_back(k.id);

    if (receipts) {
        GenerateOptions g;
        g.n_predict = shape.generate;
        g.ignore_eos = true;
        g.sampling.temperature = 0.0f;  // greedy: the ids depend on the model and kernels only
        g.sampling.seed = report.seed;
        session.reset();
        engine.dispatcher().reset_stats();
        const auto result = generate(engine, session, tokens.draw(shape.prompt), g, nullptr);
        if (o.receipt_dir) c.receipt = (std::filesystem::path(*o.receipt_dir) / receipt_name(c)).string();
        write_receipts(collect_receipt(engine, g, result), c.receipt);
    }
    return c;
}

}  // namespace

BenchReport run_bench(const BenchOptions& o) {
    const auto tests = tests_of(o);
    if (o.repetitions < 1) throw Error("-r must be at least 1");
    BenchReport report;
    report.timestamp = receipt::utc_timestamp_now();
    report.git_commit = build_commit();
    const auto cpu = kernels::detect_cpu();
    report.cpu = cpu.brand.empty() ? cpu.arch : cpu.brand;
    report.cores = cpu.cores;
    report.load_average = load_average();
    report.determinism = determinism_from_environment();
    report.seed = report.determinism.seed_or(std::random_device{}());
    report.repetitions = o.repetitions;
    if (o.receipt_dir) std::filesystem::create_directories(*o.receipt_dir);

    std::vector<unsigned> threads = o.threads;
    if (threads.empty()) threads.push_back(cpu.cores);
    for (const auto& backend : o.backends)
        for (const auto& head : o.head_precisions)
            for (unsigned t : threads) report.configs.push_back(run_config(o, report, backend, head, t, tests));

    // Last, so its buffer never counts in a receipt's peak RSS.
    if (o.bandwidth)
        for (unsigned t : threads) {
            std::cerr << "bitnet-bench: read bandwidth, " << t << " thread(s)\n";
            report.bandwidth[t] = measure_read_bandwidth({.threads = t, .bytes = o.bandwidth_bytes});
        }
    return report;
}

double limit_tok_per_s(const BenchReport& report, const ConfigResult& config, const PerfTest& test) {
    const auto it = report.bandwidth.find(config.threads);
    const uint64_t bytes = config.model.decode.total();
    if (it == report.bandwidth.end() || bytes == 0) return 0;
    const double per_read = it->second.peak_gbs * 1e9 / static_cast<double>(bytes);
    // A prompt batch, or one step of a decode batch, reads the weights once for
    // all of its tokens.
    return test.kind == PerfTest::Kind::Prompt ? per_read * test.n : per_read * test.batch;
}

}  // namespace bitnet::bench
