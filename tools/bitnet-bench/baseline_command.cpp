// SPDX-License-Identifier: MIT
// `bitnet-bench baseline run|compare|cpu-class` (and the internal run-one).
#include <boost/program_options.hpp>

#include <iostream>

#include "baseline_compare.hpp"
#include "baseline_run.hpp"
#include "baseline_worker.hpp"
#include "bitnet/error.hpp"
#include "commands.hpp"
#include "compare_report.hpp"
#include "cpu_class.hpp"
#include "exit_codes.hpp"

namespace po = boost::program_options;

namespace bitnet::bench {
namespace {

constexpr const char* kUsage =
    "usage: bitnet-bench baseline run [--workload FILE] [--out DIR] [--model FILE] [--model-dir DIR]\n"
    "                                 [--backend NAME]... [--plugin-dir DIR]... [--repetitions N]\n"
    "       bitnet-bench baseline compare OLD NEW [--format text|json|md] [--plot FILE.png]\n"
    "       bitnet-bench baseline cpu-class\n"
    "\n"
    "run      runs the workload (default baselines/workload.json) once per plugin that can\n"
    "         run on this CPU and once with auto, each in a process of its own: the prompt\n"
    "         once untimed, then the workload's repetitions; the receipt per run holds the\n"
    "         median timings, summary.json every repetition and the machine probes (read\n"
    "         bandwidth, int8 GMAC/s per thread) taken at the run's threads right before\n"
    "         and after it, and per repetition the pool probe: read and int8 slices run\n"
    "         through the engine's own thread pool between its tokens (untimed), so\n"
    "         each repetition is judged against the machine it ran on. The model is the workload's\n"
    "         bitnet-gguf synth output (made once and cached, see --model-dir) and must\n"
    "         match the size and SHA-256 the workload pins. Default --out:\n"
    "         baseline-<cpu class>.\n"
    "compare  OLD and NEW are baseline directories, summary files, receipt directories or\n"
    "         single receipts; every receipt is verified first. Per run and metric (decode\n"
    "         and prefill tok/s, time to first token, peak RSS) the change in percent, raw\n"
    "         and normalized by the run's own probes: decode per read GB/s, prefill and\n"
    "         TTFT per int8 GMAC/s. A normalized metric regresses when worse by more than\n"
    "         max(10%, 2 x the larger spread (max-min)/median of either side's repetitions\n"
    "         plus its probe drift), at most 40%. Peak RSS, and runs a side recorded\n"
    "         without probes (older baselines, bare receipts): more than 20% worse. Within\n"
    "         +/-5% is noise. Also the kernels\n"
    "         that changed and whether generated ids are identical, OLD to NEW and across\n"
    "         NEW's runs of a prompt.\n"
    "cpu-class prints this machine's class (vendor-family-arch-tier), the directory name\n"
    "         pinned baselines use.\n"
    "\n"
    "Exit codes: 0 same (run: all fine), 1 error, 2 regression, 3 generated ids changed\n"
    "(run: plugins disagree), 4 regression and ids changed.\n"
    "Environment: BITNET_DETERMINISTIC=1 forces greedy sampling with seed 42 (or\n"
    "BITNET_SEED), whatever the workload says.\n";

int run_command(const std::vector<std::string>& args) {
    BaselineRunOptions o;
    int reps = 0;
    po::options_description desc("run options");
    desc.add_options()
        ("help,h", "show this help")
        ("workload", po::value(&o.workload), "workload definition (JSON)")
        ("out", po::value(&o.out_dir), "output directory")
        ("model", po::value<std::string>(), "use this file instead of synthesising the workload's model")
        ("model-dir", po::value<std::string>(), "cache directory for synthesised models")
        ("backend", po::value(&o.backends)->composing(), "run only these backends (default: all runnable, then auto)")
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(), "search this plugin directory first")
        ("repetitions", po::value(&reps), "override the workload's repetitions");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << kUsage << "\n" << desc;
        return 0;
    }
    if (vm.count("model")) o.model = vm["model"].as<std::string>();
    if (vm.count("model-dir")) o.model_dir = vm["model-dir"].as<std::string>();
    if (vm.count("repetitions")) {
        if (reps < 1) throw Error("--repetitions must be at least 1");
        o.repetitions = reps;
    }
    return run_baseline(o);
}

int run_one_command(const std::vector<std::string>& args) {
    WorkerJob job;
    std::string workload;
    int reps = 0;
    po::options_description desc;
    desc.add_options()
        ("workload", po::value(&workload)->required(), "")
        ("model", po::value(&job.model_path)->required(), "")
        ("backend", po::value(&job.backend)->required(), "")
        ("threads", po::value(&job.threads)->required(), "")
        ("prompt", po::value(&job.prompt_index)->required(), "")
        ("receipt", po::value(&job.receipt_path)->required(), "")
        ("record", po::value(&job.record_path)->required(), "")
        ("plugin-dir", po::value(&job.plugin_dirs)->composing(), "")
        ("repetitions", po::value(&reps), "");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    Workload w = read_workload(workload);
    apply_determinism(w, determinism_from_environment());
    if (reps > 0) {
        w.repetitions = reps;
        w.repetitions_per_backend.clear();
    }
    run_worker(w, job);
    return 0;
}

int compare_command(const std::vector<std::string>& args) {
    std::vector<std::string> paths;
    std::string format = "text", plot;
    po::options_description desc("compare options");
    desc.add_options()
        ("help,h", "show this help")
        ("format", po::value(&format), "text, json or md")
        ("plot", po::value(&plot), "also draw per-run bars, OLD vs NEW, into this PNG");
    po::options_description all;
    all.add(desc).add_options()("paths", po::value(&paths));
    po::positional_options_description pos;
    pos.add("paths", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
        std::cout << kUsage << "\n" << desc;
        return 0;
    }
    if (paths.size() != 2) throw Error("compare takes two paths, OLD and NEW (see --help)");
    const auto style = parse_output_format(format);
    const Comparison c = compare_baselines(load_baseline_set(paths[0]), load_baseline_set(paths[1]));
    print_comparison(c, style, std::cout);
    if (!plot.empty()) plot_comparison(c, plot);
    return c.exit_code();
}

}  // namespace

int baseline_command(int argc, char** argv) {
    const std::string sub = argc > 1 ? argv[1] : "";
    const std::vector<std::string> rest(argv + std::min(argc, 2), argv + argc);
    if (sub == "run") return run_command(rest);
    if (sub == "run-one") return run_one_command(rest);
    if (sub == "compare") return compare_command(rest);
    if (sub == "cpu-class") {
        std::cout << detect_cpu_class().name() << "\n";
        return 0;
    }
    if (sub == "--help" || sub == "-h") {
        std::cout << kUsage;
        return 0;
    }
    throw Error(sub.empty() ? "baseline needs a subcommand: run, compare or cpu-class"
                            : "unknown baseline subcommand '" + sub + "' (expected run, compare or cpu-class)");
}

}  // namespace bitnet::bench
