// SPDX-License-Identifier: MIT
// bitnet-plugin-check: a conformance check for kernel plugin authors. Loads one
// plugin file on its own, holds it to the rules the runtime applies (file,
// exports, version negotiation, descriptor, every kernel entry, score), then
// runs each kernel this CPU can run against cpu-scalar on the parity suite's
// shapes. Prints one line per check; exits 1 if any check fails.
#include <boost/program_options.hpp>
#include <iostream>
#include <sstream>

#include "bitnet/cpu_features.hpp"
#include "bitnet/error.hpp"
#include "parity_check.hpp"
#include "plugin_file.hpp"
#include "report.hpp"

namespace {

namespace po = boost::program_options;
using namespace bitnet;
using namespace bitnet::plugin_check;

struct Options {
    std::string plugin;
    std::string scalar;
    std::string max_cpu_isa;
    ParitySettings parity;
    bool show_help{false};
    std::string help_text;
};

Options parse_options(int argc, char** argv) {
    Options o;
    po::options_description desc(
        "bitnet-plugin-check: check a bitnet-runtime kernel plugin against the ABI and cpu-scalar\n\n"
        "Usage: bitnet-plugin-check [options] PLUGIN.so\n\n"
        "Loads the plugin file alone and checks what the runtime checks (ELF file, the one exported\n"
        "symbol, ABI negotiation, descriptor, every kernel entry, the score), then runs every kernel\n"
        "this CPU can run against the cpu-scalar reference on the parity shapes and at random row\n"
        "splits. Exit status: 0 when every check passes, 1 when one fails, 2 on a usage error.\n\n"
        "Options");
    // clang-format off
    desc.add_options()
        ("help,h", "show this help")
        ("scalar", po::value(&o.scalar), "the cpu-scalar plugin to compare with (default: the one bitnet-run would load)")
        ("max-cpu-isa", po::value(&o.max_cpu_isa), "check as on a CPU limited to this ISA: scalar, avx2, avx512")
        ("quick", po::bool_switch(&o.parity.quick), "fewer and smaller parity shapes")
        ("seed", po::value(&o.parity.seed)->default_value(o.parity.seed), "seed of the parity data");
    // clang-format on
    po::options_description hidden;
    hidden.add_options()("plugin", po::value(&o.plugin));
    po::options_description all;
    all.add(desc).add(hidden);
    po::positional_options_description positional;
    positional.add("plugin", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw Error(std::string(e.what()) + " (see --help)");
    }
    std::ostringstream help;
    help << desc;
    o.help_text = help.str();
    o.show_help = vm.count("help") > 0;
    if (!o.show_help && o.plugin.empty()) throw Error("no plugin file given (see --help)");
    return o;
}

int run(const Options& o) {
    const auto cpu = kernels::detect_cpu();
    uint64_t features = cpu.usable;
    if (!o.max_cpu_isa.empty()) features &= kernels::isa_ceiling_mask(o.max_cpu_isa);

    Report report;
    report.stream_to(&std::cout);
    std::cout << "bitnet-plugin-check " << o.plugin << "\n"
              << "cpu: " << (cpu.brand.empty() ? cpu.arch : cpu.brand) << "; features "
              << kernels::feature_names(features) << "\n";
    LoadedFile candidate;
    if (inspect_plugin(o.plugin, features, report, candidate)) {
        LoadedFile reference;
        if (auto why = find_reference(o.scalar, features, reference); !why.empty()) {
            report.fail("reference", why);
        } else {
            report.info("reference", reference.path);
            check_kernels_against_reference(candidate, reference, features, o.parity, report);
        }
    }
    const int failed = report.count(Status::kFail);
    std::cout << "result: " << (failed ? "FAIL" : "PASS") << " (" << report.count(Status::kPass)
              << " kernel(s) passed, " << report.count(Status::kSkip) << " skipped, " << failed
              << " check(s) failed, " << report.count(Status::kWarn) << " warning(s))\n";
    return failed ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    try {
        options = parse_options(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
    if (options.show_help) {
        std::cout << options.help_text;
        return 0;
    }
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::cout.flush();
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    }
}
