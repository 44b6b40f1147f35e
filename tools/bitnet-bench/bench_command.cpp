// SPDX-License-Identifier: MIT
// `bitnet-bench [options]` and `bitnet-bench bandwidth`: option parsing and output.
#include <boost/program_options.hpp>

#include <iostream>

#include "bench_report.hpp"
#include "bench_run.hpp"
#include "bitnet/cpu_features.hpp"
#include "bitnet/error.hpp"
#include "cli_lists.hpp"
#include "commands.hpp"
#include "json_io.hpp"
#include "text_table.hpp"

namespace po = boost::program_options;

namespace bitnet::bench {
namespace {

constexpr const char* kUsage =
    "usage: bitnet-bench -m FILE [-p 128] [-n 128] [-b 1,4] [-t 1,2] [-r 5] [--backend auto|NAME[,..]]\n"
    "                    [--head-precision f16|q8[,..]] [--mmap 0|1] [--receipt-dir DIR] [--output text|json|md]\n"
    "       bitnet-bench bandwidth [-t 1,2] [--size-mb 1024] [--passes 3] [--output text|json|md]\n"
    "       bitnet-bench baseline run|compare|cpu-class ...   (bitnet-bench baseline --help)\n"
    "       bitnet-bench server [--port P] [-c CLIENTS] [--requests N] [-n TOKENS]   (load test of a server)\n"
    "\n"
    "Runs llama-bench's two tests for every backend x head precision x thread count:\n"
    "pp N evaluates N prompt tokens as one batch; tg N generates N tokens one at a time\n"
    "after a one-token prompt. Each test runs once untimed, then -r times; the table\n"
    "gives mean +/- standard deviation and the median of tokens/s, and the median as a\n"
    "fraction of the memory-bandwidth limit: read bandwidth (measured after the tests,\n"
    "same thread count) / bytes one decode step reads (ternary weights + head + norms);\n"
    "a pp batch reads them once for all its tokens. -b B adds tg N x B: B sequences\n"
    "decoded together, one batched forward per step (as bitnet-server's slots); its\n"
    "rate counts every sequence's tokens. Lists take commas or repeats.\n"
    "\n"
    "Environment: BITNET_DETERMINISTIC=1 fixes the test tokens and the receipt run's\n"
    "sampling (greedy, seed 42); BITNET_SEED=N sets the seed.\n"
    "Exit codes: 0 done, 1 error; baseline compare adds 2 (regression), 3 (generated\n"
    "ids changed) and 4 (both).\n";

unsigned to_threads(int n) { return static_cast<unsigned>(n); }

}  // namespace

int bench_command(int argc, char** argv) {
    std::vector<std::string> prompt{"128"}, gen{"128"}, batch{"1"}, threads, backends{"auto"}, heads{"f16"}, plugin_dirs;
    BenchOptions o;
    std::string output = "text";
    uint64_t size_mb = 1024;
    int mmap = 1;
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "show this help")
        ("model,m", po::value(&o.model), "GGUF model file")
        ("n-prompt,p", po::value(&prompt)->composing(), "prompt lengths for pp tests (0 = none)")
        ("n-gen,n", po::value(&gen)->composing(), "generated lengths for tg tests (0 = none)")
        ("batch,b", po::value(&batch)->composing(), "sequences decoded together in tg tests (default 1)")
        ("threads,t", po::value(&threads)->composing(), "thread counts (default: every core)")
        ("repetitions,r", po::value(&o.repetitions)->default_value(5), "timed repetitions per test")
        ("backend", po::value(&backends)->composing(), "auto or plugin names")
        ("head-precision", po::value(&heads)->composing(), "f16 (default) and/or q8")
        ("mmap", po::value(&mmap)->default_value(1), "1: kernels read the file mapping; 0: weights read into huge-page memory at load (bitnet-run --no-mmap)")
        ("plugin-dir", po::value(&plugin_dirs)->composing(), "search this plugin directory first")
        ("receipt-dir", po::value<std::string>(), "write one receipt per configuration here")
        ("output,o", po::value(&output), "text, json or md")
        ("no-bandwidth", "skip the bandwidth probe (no limit column)")
        ("bandwidth-mb", po::value(&size_mb), "bandwidth probe buffer in MiB (default 1024)");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << kUsage << "\n" << desc;
        return 0;
    }
    if (o.model.empty()) throw Error("missing -m FILE (see --help)");
    const auto out_format = parse_output_format(output);
    o.n_prompt = int_list(prompt, "-p");
    o.n_gen = int_list(gen, "-n");
    o.batch = int_list(batch, "-b");
    for (int t : int_list(threads, "-t")) {
        if (t == 0) throw Error("-t takes thread counts of at least 1");
        o.threads.push_back(to_threads(t));
    }
    o.backends = split_list(backends);
    o.head_precisions = split_list(heads);
    if (mmap != 0 && mmap != 1) throw Error("--mmap takes 0 or 1, not " + std::to_string(mmap));
    o.use_mmap = mmap == 1;
    o.plugin_dirs = plugin_dirs;
    if (vm.count("receipt-dir")) o.receipt_dir = vm["receipt-dir"].as<std::string>();
    o.bandwidth = !vm.count("no-bandwidth");
    o.bandwidth_bytes = size_mb << 20;
    print_bench_report(run_bench(o), out_format, std::cout);
    return 0;
}

int bandwidth_command(int argc, char** argv) {
    std::vector<std::string> threads;
    std::string output = "text";
    uint64_t size_mb = 1024;
    int passes = 3;
    uint64_t chunk_mb = 4;
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "show this help")
        ("threads,t", po::value(&threads)->composing(), "thread counts (default: 1 and every core)")
        ("size-mb", po::value(&size_mb), "buffer size in MiB (default 1024)")
        ("passes", po::value(&passes), "timed passes (default 3)")
        ("chunk-mb", po::value(&chunk_mb), "MiB per thread per timed chunk (default 4)")
        ("output,o", po::value(&output), "text, json or md");
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << "usage: bitnet-bench bandwidth [options]\n\n"
                     "Streams a buffer that was written first (untouched pages would read as\n"
                     "the zero page) with the widest loads the CPU has, each thread its own\n"
                     "slice, timed chunk by chunk. Peak: the fastest chunk (the memory\n"
                     "system's bandwidth even on a loaded machine, since a chunk is never in\n"
                     "cache); pass: the median whole pass (what the current load leaves).\n"
                     "GB/s = 1e9 bytes/s.\n\n"
                  << desc;
        return 0;
    }
    const auto out_format = parse_output_format(output);
    std::vector<unsigned> counts;
    for (int t : int_list(threads, "-t")) {
        if (t == 0) throw Error("-t takes thread counts of at least 1");
        counts.push_back(to_threads(t));
    }
    if (counts.empty()) {
        counts.push_back(1);
        if (const unsigned cores = kernels::detect_cpu().cores; cores > 1) counts.push_back(cores);
    }
    std::vector<BandwidthResult> results;
    for (unsigned t : counts) results.push_back(measure_read_bandwidth({t, size_mb << 20, passes, chunk_mb << 20}));

    if (out_format == OutputFormat::Json) {
        boost::json::array a;
        for (const auto& b : results)
            a.push_back(boost::json::object{{"threads", b.threads}, {"buffer_bytes", b.bytes}, {"passes", b.passes},
                                            {"chunk_bytes", b.chunk_bytes}, {"loads", b.loads}, {"peak_gbs", b.peak_gbs}, {"pass_gbs", b.pass_gbs}});
        write_pretty_json(std::cout, a);
        return 0;
    }
    TextTable t({"threads", "peak GB/s", "pass GB/s"});
    for (const auto& b : results)
        t.add_row({std::to_string(b.threads), format("%.1f", b.peak_gbs), format("%.1f", b.pass_gbs)});
    std::cout << "read bandwidth: " << format("%.2f GB", static_cast<double>(results.front().bytes) / 1e9)
              << " buffer, " << results.front().loads << " loads, "
              << format("%.0f MiB", static_cast<double>(results.front().chunk_bytes) / (1 << 20))
              << " chunks per thread, " << results.front().passes << " timed passes after one untimed\n\n";
    if (out_format == OutputFormat::Markdown)
        t.print_markdown(std::cout);
    else
        t.print_text(std::cout);
    return 0;
}

}  // namespace bitnet::bench
